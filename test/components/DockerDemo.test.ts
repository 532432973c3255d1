// @vitest-environment happy-dom
import type { FakeServer } from './fake-server'
import type { FeedRun } from '../../components/terminal-feed'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { demoClientKey } from '../../components/demo-client'
import DockerDemo from '../../components/DockerDemo.vue'
import { eventsText } from '../../components/terminal-feed'
import { fakeServer } from './fake-server'
import { ended, helloDemo, output, started, status } from './fixtures'
import { helloRecording, mockRecordings } from './recordings.mock'
import { mockSlidev } from './slidev-client.mock'

// The real @slidev/client needs Slidev's generated modules; the component only asks it where
// it is rendered, which the tests set through mockSlidev. The recordings (the plugin's virtual
// module) are set through mockRecordings: vitest.config.ts points the module there.
vi.mock('@slidev/client', () => import('./slidev-client.mock'))

/** xterm.js needs a real layout (happy-dom has none): the browser tests cover it. Here the
 *  terminal is a stand-in that shows its runs' text and passes keystrokes through. */
const TerminalView = defineComponent({
  props: { runs: { type: Array as () => FeedRun[], required: true }, cols: Number, maxRows: Number, inputRunId: String },
  emits: ['input'],
  setup(props) {
    return () => h('pre', { 'class': 'terminal-stub', 'data-input-run-id': props.inputRunId }, props.runs.map(r => eventsText(r.events)).join('').trimEnd())
  },
})

const code = '<pre><code>docker run --rm alpine echo hello</code></pre>'
const servers: FakeServer[] = []

function mountDemo(server?: FakeServer, props: Record<string, unknown> = {}) {
  return mount(DockerDemo, {
    props: { id: 'hello', title: 'Hello', ...props },
    slots: { default: code },
    global: { provide: server ? { [demoClientKey as symbol]: server.client } : {}, stubs: { TerminalView } },
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
  mockRecordings.reset()
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
    expect(out.attributes('data-recorded')).toBeUndefined()
    expect(out.find('.demo-badge-step').text()).toBe('#1')
    expect(out.find('.terminal-stub').text()).toBe('hello')
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
    expect(wrapper.find('.terminal-stub').text()).toBe('ping: bad address \'nowhere\'')
    expect(wrapper.find('.demo-badge-text').text()).toBe('expected failure — exit 1')
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

  it('stays static in print mode and in the next-slide preview: no socket, no terminal', async () => {
    mockRecordings.data.recordings = { hello: helloRecording }
    for (const [setMode, handout] of [[() => { mockSlidev.isPrintMode.value = true }, true], [() => { mockSlidev.renderContext.value = 'previewNext' }, false]] as const) {
      mockSlidev.reset()
      setMode()
      const server = fakeServer()
      servers.push(server)
      const wrapper = mountDemo(server)
      await flushPromises()
      expect(server.sockets).toHaveLength(0)
      expect(wrapper.find('.docker-demo-bar').exists()).toBe(false)
      expect(wrapper.find('.demo-output').exists()).toBe(false)
      expect(wrapper.html()).toContain('docker run --rm alpine echo hello')
      // Print shows each step's recorded final output, marked as a recording.
      expect(wrapper.find('.demo-handout').exists()).toBe(handout)
      if (handout) {
        expect(wrapper.find('.demo-handout-text').text()).toBe('recorded hello')
        expect(wrapper.find('.demo-handout-label').text()).toContain('録画')
        expect(wrapper.find('.demo-handout-badge').text()).toBe('#1 ok')
      }
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
    steps: [{ index: 1, command: 'docker run -it --name t1 alpine sh', prompt: '$ ', target: 'shell' as const, interactive: true }],
  }

  it('opens a terminal on request and sends what the presenter types', async () => {
    const { server, wrapper } = await connected('secret')
    server.socket.push(status({ deck: { file: 'slides.md', problems: [], demos: [ttyDemo] } }))
    await flushPromises()
    await wrapper.find('[data-action="type-1"]').trigger('click')
    expect(server.socket.sent.at(-1)).toEqual({ type: 'run', token: 'secret', demoId: 'hello', step: 1, interactive: true, cols: 100, rows: 12 })

    server.socket.push({ ...started('t1', 1), interactive: true })
    server.socket.push(output('t1', '/ # '))
    await flushPromises()
    const terminal = wrapper.findComponent(TerminalView)
    expect(terminal.props('inputRunId')).toBe('t1')
    // What xterm.js turns keys into (text, Enter, Ctrl-C, its answer to a cursor query) goes out.
    for (const data of ['ls', '\r', '\x03', '\x1B[5;3R'])
      terminal.vm.$emit('input', 't1', data)
    expect(server.socket.sent.slice(-4)).toEqual(['ls', '\r', '\x03', '\x1B[5;3R'].map(data => ({ type: 'input', token: 'secret', runId: 't1', data })))

    server.socket.push(ended('t1', 1, 'ok'))
    await flushPromises()
    expect(wrapper.findComponent(TerminalView).props('inputRunId')).toBeUndefined()
  })

  it('gives a viewer no terminal to type into', async () => {
    const { server, wrapper } = await connected(403)
    server.socket.push(status({ deck: { file: 'slides.md', problems: [], demos: [ttyDemo] } }))
    server.socket.push({ ...started('t1', 1), interactive: true })
    await flushPromises()
    expect(wrapper.find('[data-action="type-1"]').exists()).toBe(false)
    expect(wrapper.findComponent(TerminalView).props('inputRunId')).toBeUndefined()
  })
})

describe('DockerDemo: replaying its recording', () => {
  it('replays, marked 録画, when the engine is not available', async () => {
    mockRecordings.data.recordings = { hello: helloRecording }
    const { server, wrapper } = await connected('secret')
    expect(wrapper.attributes('data-source')).toBe('live')
    server.socket.push(status({ engine: { available: false, message: 'Start it' } }))
    await flushPromises()
    expect(wrapper.attributes('data-source')).toBe('recording')
    const out = wrapper.find('.demo-output')
    expect(out.attributes('data-recorded')).toBe('')
    expect(out.find('.demo-output-recorded').text()).toBe('録画')
    expect(wrapper.find('.docker-demo-recorded').attributes('title')).toContain('Docker engine not available')
    // Nothing to run on until the engine is back (the server says so within seconds).
    for (const action of ['run-all', 'run-next', 'reset'])
      expect(wrapper.find(`[data-action="${action}"]`).attributes('disabled'), action).toBeDefined()
    expect(wrapper.find('[data-action="run-all"]').attributes('title')).toContain('replays its recording until it is back')
    await wrapper.find('[data-action="skip"]').trigger('click')
    expect(out.find('.terminal-stub').text()).toBe('$ docker run --rm alpine echo hello\nrecorded hello')
    expect(out.find('.demo-badge-text').text()).toBe('ok')
    server.socket.push(status())
    await flushPromises()
    expect(wrapper.find('[data-action="run-all"]').attributes('disabled')).toBeUndefined()
  })

  it('replays in a static build without ever opening a socket', async () => {
    mockRecordings.data.serverBuilt = false
    mockRecordings.data.recordings = { hello: helloRecording }
    const server = fakeServer()
    servers.push(server)
    const wrapper = mountDemo(server)
    await flushPromises()
    expect(server.sockets).toHaveLength(0)
    expect(wrapper.find('.demo-output[data-recorded]').exists()).toBe(true)
    expect(wrapper.find('.docker-demo-note').exists()).toBe(false)
    expect(wrapper.find('[data-action="flip"]').exists()).toBe(false)
  })

  it('keeps the live error on the slide when a step fails, replays, and R switches back', async () => {
    mockRecordings.data.recordings = { hello: helloRecording }
    const { server, wrapper } = await connected('secret')
    server.socket.push(started('r1', 1))
    server.socket.push(output('r1', 'Error: boom\r\n'))
    server.socket.push(ended('r1', 1, 'failed', 125))
    await flushPromises()
    expect(wrapper.attributes('data-source')).toBe('recording')
    expect(wrapper.find('.docker-demo-failure').text()).toBe('live: step 1 — failed — exit 125')
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'r' }))
    await flushPromises()
    expect(wrapper.attributes('data-source')).toBe('live')
    expect(wrapper.find('.terminal-stub').text()).toBe('Error: boom')
    await wrapper.find('[data-action="flip"]').trigger('click')
    expect(wrapper.attributes('data-source')).toBe('recording')
  })

  it('shows the failure of a demo it uses on its own slide', async () => {
    mockRecordings.data.recordings = { hello: helloRecording }
    const { server, wrapper } = await connected('secret')
    server.socket.push(status({ deck: { file: 'slides.md', problems: [], demos: [{ ...helloDemo, uses: ['setup'] }] } }))
    server.socket.push(started('s1', 2, 'setup'))
    server.socket.push(ended('s1', 2, 'timeout', null, 'setup'))
    await flushPromises()
    expect(wrapper.find('.docker-demo-failure').text()).toBe('live: setup (used by this demo) step 2 — timeout')
    expect(wrapper.attributes('data-source')).toBe('recording')
  })

  it('warns when the recording is stale, naming the command that records it again', async () => {
    mockRecordings.data.recordings = { hello: { ...helloRecording, stale: [{ index: 1, reason: 'command-changed' }] } }
    const { wrapper } = await connected('secret')
    const badge = wrapper.find('.docker-demo-stale')
    expect(badge.text()).toBe('⚠ 録画が古い: step 1\'s command changed')
    expect(badge.attributes('title')).toContain('npm run rehearse -- --only hello')
  })
})
