// The slice of @slidev/client the components use. The package ships TypeScript sources that
// only compile inside Slidev's own build (its globals such as __DEV__), so `tsc` reads this.
import type { Ref } from 'vue'

export function useNav(): { isPrintMode: Ref<boolean> }
export function useSlideContext(): { $renderContext: Ref<string> }
export function useIsSlideActive(): Ref<boolean>
