/**
 * Where a DockerDemo is rendered, the way Slidev's SlidevVideo decides whether to play:
 * - live: a real slide in a window (the audience/projector view or the presenter's current
 *   slide), not print/export, not the overview or the presenter's next-slide preview;
 * - watching: live and the slide is the current one, so only it holds a subscription.
 * - print: print mode (export), where a demo shows its recorded output.
 * Outside a slide (a component preview, a unit test without mocks) it degrades to static.
 */
import type { ComputedRef, Ref } from 'vue'
import { useIsSlideActive, useNav, useSlideContext } from '@slidev/client'
import { computed, ref } from 'vue'

export interface DemoContext {
  live: ComputedRef<boolean>
  watching: ComputedRef<boolean>
  /** Print or export: static output from recordings, no socket. */
  print: ComputedRef<boolean>
}

const LIVE_CONTEXTS = ['slide', 'presenter']

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn()
  }
  catch {
    return undefined
  }
}

export function useDemoContext(): DemoContext {
  const printMode: Ref<boolean> | undefined = attempt(() => useNav().isPrintMode)
  const renderContext: Ref<string> | undefined = attempt(() => useSlideContext().$renderContext)
  const active: Ref<boolean> = attempt(() => useIsSlideActive()) ?? ref(true)
  const live = computed(() => !!renderContext?.value
    && LIVE_CONTEXTS.includes(renderContext.value)
    && printMode?.value === false)
  return {
    live,
    watching: computed(() => live.value && active.value),
    print: computed(() => printMode?.value === true),
  }
}
