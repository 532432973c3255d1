// Type-checking only (`npm run typecheck`): Vite and Vitest compile these for real.

declare module '*.vue' {
  import type { DefineComponent } from 'vue'

  const component: DefineComponent<object, object, unknown>
  export default component
}
