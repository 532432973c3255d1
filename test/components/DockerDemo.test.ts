// @vitest-environment happy-dom
import type { FakeServer } from './fake-server'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { demoClientKey } from '../../components/demo-client'
import DockerDemo from '../../components/DockerDemo.vue'
import { fakeServer } from './fake-server'
import { ended, helloDemo, output, started, status } from './fixtures'
import { mockSlidev } from './slidev-client.mock'

// The real @slidev/client needs Slidev's generated modules; the component only asks it where
// it is rendered, which the tests set through mockSlidev.
vi.mock('@slidev/client', () => import('./slidev-client.mock'))

const code = '<pre><code>docker run --rm alpine echo hello</code></pre>'
const servers: FakeServer[] = []

function mountDemo(server?: FakeServer, props: Record<string, unknown> = {}) {
  return mount(DockerDemo, {
    props: { id: 'hello', title: 'Hello', ...props },
    slots: { default: code },
    global: { provide: server ? { [demoClientKey as symbol]: server.client } : {} },
  })
}

async function connected(token: string | 403) {
  const server = fakeServer(token)
  servers.push(server)
  server.client.start() // as another demo on the deck would have
  const wrapper = mountDemo(server)
  server.socket.accept()
  server.socket.push(status())
  server.socket.push({ type: 'snapshot', demoId: 'hello', runs: [] })
  await flushPromises()
  return { server, wrapper }
}

afterEach(() => {
  mockSlidev.reset()
  servers.splice(0).forEach(s => s.client.dispose())
})

describe('DockerDemo', () => {
  it('gives a window with a token the controls, and sends what they ask for', async () => {
    const { server, wrapper } = await connected('secret')
    expect(wrapper.html()).toContain('docker run --rm alpine echo hello')
    expect(wrapper.find('[data-action="run-all"]').exists()).toBe(true)
    expect(wrapper.findAll('button.docker-demo-chip').map(b => b.text())).toEqual(['1', '2', '3要インターネット', '4'])
    expect(wrapper.text()).toContain('4: shown only — Docker Desktop for Mac only')

    await wrapper.find('[data-action="run-next"]').trigger('click')
    expect(server.socket.sent.at(-1)).toEqual({ type: 'run', token: 'secret', demoId: 'hello', step: 1 })

    server.socket.push(started('r1', 1))
    server.socket.push(output('r1', '\x1B[32mhello\x1B[0m\r\n'))
    await flushPromises()
    expect(wrapper.find('[data-action="cancel"]').attributes('disabled')).toBeUndefined()
    expect(wrapper.find('[data-action="run-all"]').attributes('disabled')).toBeDefined()
    server.socket.push(ended('r1', 1, 'ok'))
    await flushPromises()
    const out = wrapper.find('.demo-output')
    expect(out.find('.demo-run-header').text()).toBe('$ docker run --rm alpine echo hello')
    expect(out.find('.demo-badge-step').text()).toBe('#1')
    expect(out.find('.demo-run-text').text()).toBe('hello')
    expect(out.find('.demo-run-text span').attributes('style')).toContain('color')
    expect(out.find('.demo-badge-text').text()).toBe('ok')
    expect(wrapper.find('[data-action="run-next"]').text()).toBe('▶ 2')
  })

  it('shows a window whose token is refused the same output, without controls', async () => {
    const { server, wrapper } = await connected(403)
    server.socket.push(started('r1', 2))
    server.socket.push(output('r1', 'ping: bad address \'nowhere\'\n'))
    server.socket.push(ended('r1', 2, 'expected-failure', 1))
    await flushPromises()
    expect(wrapper.find('button').exists()).toBe(false)
    expect(wrapper.findAll('.docker-demo-chip').map(c => c.element.tagName)).toEqual(['SPAN', 'SPAN', 'SPAN', 'SPAN'])
    expect(wrapper.text()).toContain('view only')
    expect(wrapper.find('.demo-run-text').text()).toBe('ping: bad address \'nowhere\'')
    expect(wrapper.find('.demo-badge-text').text()).toBe('expected failure — exit 1')
  })

  it('does not repeat the header when the output opens with the prompt line, as the server\'s does', async () => {
    const { server, wrapper } = await connected('secret')
    server.socket.push(started('r1', 1))
    server.socket.push(output('r1', '$ docker run --rm alpine echo hello\r\n'))
    server.socket.push(output('r1', 'hello\r\n'))
    await flushPromises()
    expect(wrapper.find('.demo-run-header').exists()).toBe(false)
    expect(wrapper.findAll('.demo-line').map(l => l.text())).toEqual(['$ docker run --rm alpine echo hello', 'hello'])
    expect(wrapper.find('.demo-badge-text').text()).toBe('running…')
  })

  it('waits, cancellable, while a demo it uses runs first', async () => {
    const { server, wrapper } = await connected('secret')
    server.socket.push(status({ deck: { file: 'slides.md', problems: [], demos: [{ ...helloDemo, uses: ['setup'] }] } }))
    server.socket.push({ type: 'snapshot', demoId: 'setup', runs: [] })
    server.socket.push(started('s1', 1, 'setup'))
    await flushPromises()
    expect(wrapper.text()).toContain('running setup first…')
    expect(wrapper.find('[data-action="run-all"]').attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-action="cancel"]').attributes('disabled')).toBeUndefined()
    expect(wrapper.find('.demo-output').exists()).toBe(false)
    server.socket.push(ended('s1', 1, 'ok', 0, 'setup'))
    await flushPromises()
    expect(wrapper.text()).not.toContain('running setup first…')
    expect(wrapper.find('[data-action="run-all"]').attributes('disabled')).toBeUndefined()
  })

  it('shows coded errors and the engine status as text', async () => {
    const { server, wrapper } = await connected('secret')
    server.socket.push(status({ engine: { available: false, message: 'Start Docker: sudo systemctl start docker' }, offline: true }))
    server.socket.push({ type: 'error', code: 'BUSY', message: 'Demo "hello" is already running.', demoId: 'hello', request: 'run' })
    await flushPromises()
    expect(wrapper.text()).toContain('Docker engine not available — replay mode (Start Docker: sudo systemctl start docker)')
    expect(wrapper.text()).toContain('offline: 要インターネット steps are skipped')
    expect(wrapper.find('.docker-demo-error').text()).toBe('BUSY: Demo "hello" is already running.')

    server.socket.push({ ...status(), protocol: 2 as unknown as 1 })
    await flushPromises()
    expect(wrapper.text()).toContain('demo server speaks protocol 2, this deck 1: restart it (npm start)')
  })

  it('keeps the code and says so when the server is not there', async () => {
    const server = fakeServer()
    servers.push(server)
    const wrapper = mountDemo(server)
    server.socket.refuse()
    await flushPromises()
    expect(wrapper.html()).toContain('docker run --rm alpine echo hello')
    expect(wrapper.find('.docker-demo-note').text()).toBe('demo server not available')
    expect(wrapper.find('button').exists()).toBe(false)
  })

  it('subscribes only while its slide is the current one', async () => {
    mockSlidev.active.value = false
    const { server } = await connected('secret')
    expect(server.socket.sent).toEqual([])
    mockSlidev.active.value = true
    await flushPromises()
    expect(server.socket.sent).toEqual([{ type: 'subscribe', demoId: 'hello' }])
    mockSlidev.active.value = false
    await flushPromises()
    expect(server.socket.sent.at(-1)).toEqual({ type: 'unsubscribe', demoId: 'hello' })
  })

  it('stays static in print mode and in the next-slide preview: no socket, code and recording only', async () => {
    for (const setMode of [() => { mockSlidev.isPrintMode.value = true }, () => { mockSlidev.renderContext.value = 'previewNext' }]) {
      mockSlidev.reset()
      setMode()
      const server = fakeServer()
      servers.push(server)
      const plain = mountDemo(server)
      expect(server.sockets).toHaveLength(0)
      expect(plain.find('.docker-demo-bar').exists()).toBe(false)
      expect(plain.find('.demo-output').exists()).toBe(false)
      expect(plain.html()).toContain('docker run --rm alpine echo hello')

      const recorded = mountDemo(server, {
        recorded: [{ started: started('r1', 1), events: [[0.2, 'o', 'hello\r\n']], ended: ended('r1', 1, 'ok') }],
      })
      expect(recorded.find('.demo-run-text').text()).toBe('hello')
      expect(recorded.find('.demo-badge-text').text()).toBe('ok')
      expect(server.sockets).toHaveLength(0)

      // A recording without a known outcome shows its output, and no "running…" in print.
      const unended = mountDemo(server, { recorded: [{ started: started('r1', 1), events: [[0.2, 'o', 'hello\r\n']] }] })
      expect(unended.find('.demo-run-text').text()).toBe('hello')
      expect(unended.find('.demo-badge').exists()).toBe(false)
    }
  })

  it('unsubscribes on unmount', async () => {
    const { server, wrapper } = await connected('secret')
    wrapper.unmount()
    expect(server.socket.sent.at(-1)).toEqual({ type: 'unsubscribe', demoId: 'hello' })
  })
})

describe('DockerDemo: interactive runs', () => {
  const ttyDemo = {
    ...helloDemo,
    steps: [{ index: 1, command: 'docker run -it --name t1 alpine sh', prompt: '$ ', target: 'docker' as const, interactive: true }],
  }

  it('opens a terminal on request and sends what the presenter types', async () => {
    const { server, wrapper } = await connected('secret')
    server.socket.push(status({ deck: { file: 'slides.md', problems: [], demos: [ttyDemo] } }))
    await flushPromises()
    await wrapper.find('[data-action="type-1"]').trigger('click')
    expect(server.socket.sent.at(-1)).toEqual({ type: 'run', token: 'secret', demoId: 'hello', step: 1, interactive: true, cols: 100, rows: 20 })

    server.socket.push({ ...started('t1', 1), interactive: true })
    server.socket.push(output('t1', '/ # '))
    await flushPromises()
    const field = wrapper.find('textarea.demo-run-input')
    expect(field.exists()).toBe(true)
    ;(field.element as HTMLTextAreaElement).value = 'ls'
    await field.trigger('input')
    await field.trigger('keydown', { key: 'Enter' })
    await field.trigger('keydown', { key: 'c', ctrlKey: true })
    expect(server.socket.sent.slice(-3)).toEqual([
      { type: 'input', token: 'secret', runId: 't1', data: 'ls' },
      { type: 'input', token: 'secret', runId: 't1', data: '\r' },
      { type: 'input', token: 'secret', runId: 't1', data: '\x03' },
    ])
    expect((field.element as HTMLTextAreaElement).value).toBe('')

    server.socket.push(ended('t1', 1, 'ok'))
    await flushPromises()
    expect(wrapper.find('textarea.demo-run-input').exists()).toBe(false)
  })

  it('gives a viewer no terminal to type into', async () => {
    const { server, wrapper } = await connected(403)
    server.socket.push(status({ deck: { file: 'slides.md', problems: [], demos: [ttyDemo] } }))
    server.socket.push({ ...started('t1', 1), interactive: true })
    await flushPromises()
    expect(wrapper.find('[data-action="type-1"]').exists()).toBe(false)
    expect(wrapper.find('textarea').exists()).toBe(false)
  })
})
