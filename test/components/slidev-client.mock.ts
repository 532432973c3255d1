/**
 * The few @slidev/client APIs the components use, as refs the tests set directly.
 * Stands in for '@slidev/client' through vi.mock in the tests that mount components.
 */
import { computed, ref } from 'vue'

export const mockSlidev = {
  isPrintMode: ref(false),
  renderContext: ref<'none' | 'slide' | 'overview' | 'presenter' | 'previewNext'>('slide'),
  active: ref(true),
  reset(): void {
    mockSlidev.isPrintMode.value = false
    mockSlidev.renderContext.value = 'slide'
    mockSlidev.active.value = true
  },
}

export function useNav() {
  return { isPrintMode: computed(() => mockSlidev.isPrintMode.value) }
}

export function useSlideContext() {
  return { $renderContext: mockSlidev.renderContext }
}

export function useIsSlideActive() {
  return computed(() => mockSlidev.active.value)
}
