/**
 * The deck in a real browser: Slidev's dev server with the demo server plugin, a real engine.
 * A presenter window and an audience window see the same output of one run; a window whose
 * token fetch is refused watches without controls.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Isolation, SlidevProcess } from './harness'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKEN_PATH } from '../../demo-server/protocol'
import { gotoSettled, isolate, launchChromium, REPO, requireEngine, startSlidev, untilDrawn } from './harness'

const SCREENSHOTS = path.join(REPO, 'test-results')

let isolation: Isolation
let slidev: SlidevProcess & { [Symbol.asyncDispose]: () => Promise<void> }
let browser: Browser & { [Symbol.asyncDispose]: () => Promise<void> }
let context: BrowserContext
let presenter: Page
let audience: Page

const demo = (id: string) => `.docker-demo[data-demo-id="${id}"]`

/** The output block's text, once its last run shows the `outcome` badge. On a timeout, says
 *  what the demo did show and what the server logged, rather than only "timeout". */
async function outputAfter(page: Page, id: string, outcome: string): Promise<string> {
  // Two tabs of one headless browser: the one in the background gets no animation frames, and
  // xterm paints on those. On stage each window has a screen of its own.
  await page.bringToFront()
  const badge = page.locator(`${demo(id)} .demo-badge[data-outcome="${outcome}"]`).last()
  try {
    await badge.waitFor({ timeout: 60_000 })
  }
  catch (error) {
    const shown = await page.locator(demo(id)).first().innerText().catch(() => '(no demo element)')
    const log = slidev.output().split('\n').filter(l => l.includes('[docker-demo]')).slice(-15).join('\n')
    throw new Error(`demo "${id}" showed no "${outcome}" badge in ${page.url()}: ${(error as Error).message.split('\n')[0]}\n--- the demo showed:\n${shown}\n--- the demo server logged:\n${log}`)
  }
  await untilDrawn(page.locator(demo(id)))
  return page.locator(`${demo(id)} .demo-output`).innerText()
}

/** The presenter goes on to slide `n`; the audience window follows (Slidev's sync), so that
 *  its demo subscribes too. */
async function nextSlide(n: number): Promise<void> {
  await presenter.keyboard.press('ArrowRight')
  await presenter.waitForURL(new RegExp(`/presenter/${n}(\\?|$)`), { timeout: 15_000 })
  await audience.waitForURL(new RegExp(`/${n}(\\?|$)`), { timeout: 15_000 })
}

beforeAll(async () => {
  await requireEngine()
  isolation = await isolate()
  slidev = await startSlidev(isolation)
  browser = await launchChromium(isolation)
  // One context, as on the presenter's machine: Slidev syncs the two windows' navigation.
  context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
  presenter = await context.newPage()
  audience = await context.newPage()
  // Load both fully before any container starts: veths appearing abort loads in flight.
  // The presenter opens the URL the deck printed; the audience window shares the cookie.
  await gotoSettled(presenter, slidev.loginUrl('/presenter/1'))
  expect(new URL(presenter.url()).pathname).toBe('/presenter/1')
  await gotoSettled(audience, `${slidev.url}/1`)
})

afterAll(async () => {
  await context?.close()
  await browser?.[Symbol.asyncDispose]()
  await slidev?.[Symbol.asyncDispose]()
  await isolation?.[Symbol.asyncDispose]()
})

describe('DockerDemo in the browser', () => {
  it('gives the presenter\'s windows the controls once connected', async () => {
    for (const page of [presenter, audience])
      await page.locator(`${demo('hello')} [data-action="run-all"]`).waitFor({ timeout: 30_000 })
    // The presenter's next-slide preview is static: no controls on the "fails" demo there.
    expect(await presenter.locator(`${demo('fails')} [data-action]`).filter({ visible: true }).count()).toBe(0)
  })

  it('streams one run to both windows, with the same text', async () => {
    await presenter.locator(`${demo('hello')} [data-action="run-all"]`).click()
    const inPresenter = await outputAfter(presenter, 'hello', 'ok')
    const inAudience = await outputAfter(audience, 'hello', 'ok')
    expect(inPresenter).toContain('$ docker run --rm alpine echo hello')
    expect(inPresenter).toMatch(/^hello$/m)
    expect(inAudience).toBe(inPresenter)

    mkdirSync(SCREENSHOTS, { recursive: true })
    await audience.screenshot({ path: path.join(SCREENSHOTS, 'deck-audience-hello.png') })
    await presenter.screenshot({ path: path.join(SCREENSHOTS, 'deck-presenter-hello.png') })
  })

  it('shows a late window of another browser the run it missed, read-only: it never signed in', async () => {
    await using other = await browser.newContext({ viewport: { width: 1280, height: 720 } })
    const viewer = await other.newPage()
    const tokenAnswers: number[] = []
    viewer.on('response', (response) => {
      if (response.url().endsWith(TOKEN_PATH))
        tokenAnswers.push(response.status())
    })
    // A new browser has nothing cached: every module of the deck loads again. Not networkidle:
    // Slidev's own nav sync POST is refused to a window that never signed in, and Playwright
    // counts a refused request whose body the page never reads as in flight.
    await gotoSettled(viewer, `${slidev.url}/1`, 120_000, 'load')
    await viewer.locator(`${demo('hello')} .docker-demo-note`, { hasText: 'view only' }).waitFor({ timeout: 30_000 })
    // Only the step chip, and the local switch to the recording (R): no control of the server.
    expect(await viewer.locator(`${demo('hello')} :is([data-action], .docker-demo-chip)`).count()).toBe(2)
    expect(await viewer.locator(`${demo('hello')} :is([data-action]:not([data-action="flip"]), button.docker-demo-chip)`).count()).toBe(0)
    expect(await outputAfter(viewer, 'hello', 'ok')).toBe(await presenter.locator(`${demo('hello')} .demo-output`).innerText())
    expect(tokenAnswers).toContain(403)
    expect(tokenAnswers).not.toContain(200)
  })

  it('runs step by step on the next slide; an expected failure is reported as such', async () => {
    await nextSlide(2)
    const next = presenter.locator(`${demo('fails')} [data-action="run-next"]`)
    await next.waitFor({ timeout: 30_000 })
    expect(await next.innerText()).toBe('▶ 1')
    await next.click()
    await outputAfter(presenter, 'fails', 'ok')
    await expect.poll(() => next.innerText(), { timeout: 10_000 }).toBe('▶ 2')
    await next.click()
    const inPresenter = await outputAfter(presenter, 'fails', 'expected-failure')
    // The audience window is in the background now, where xterm may not have painted step 2
    // yet: its terminal says it is drawn only once it has (tests and print trust that).
    await audience.locator(`${demo('fails')} .demo-badge[data-outcome="expected-failure"]`).waitFor({ timeout: 30_000 })
    const unseen = await audience.locator(demo('fails')).evaluate(el => ({
      drawn: el.querySelector('.terminal-view')?.getAttribute('data-drawn'),
      text: el.querySelector<HTMLElement>('.demo-output')?.innerText ?? '',
    }))
    expect(unseen.drawn === 'true' ? unseen.text : 'not drawn').toMatch(/^oops$|^not drawn$/m)
    const inAudience = await outputAfter(audience, 'fails', 'expected-failure')
    expect(inPresenter).toMatch(/^before$/m)
    expect(inPresenter).toMatch(/^oops$/m)
    expect(inPresenter).toContain('expected failure')
    expect(inAudience).toBe(inPresenter)
    await audience.screenshot({ path: path.join(SCREENSHOTS, 'deck-audience-fails.png') })
  })

  it('gives the presenter a terminal to type into; both windows see the session', async () => {
    await nextSlide(3)
    const tty = presenter.locator(`${demo('tty')} [data-action="type-1"]`)
    await tty.waitFor({ timeout: 30_000 })
    await tty.click()
    // The terminal (xterm.js) takes the keyboard through its own textarea while the run is open.
    const field = presenter.locator(`${demo('tty')} .demo-output[data-typing] textarea.xterm-helper-textarea`)
    await field.waitFor({ state: 'attached', timeout: 30_000 })
    await presenter.bringToFront() // xterm paints on animation frames, which a background tab lacks
    await presenter.locator(`${demo('tty')} .xterm-rows`, { hasText: '/ #' }).waitFor({ timeout: 30_000 })
    await expect.poll(() => field.evaluate(el => el === document.activeElement), { timeout: 10_000 }).toBe(true)
    await presenter.keyboard.type('echo typed-$((6*7))')
    await presenter.keyboard.press('Enter')
    // Arrow keys go to the shell, not to Slidev's navigation. ArrowLeft, because this is the
    // deck's last slide: a leaked ArrowRight would not move it, a leaked ArrowLeft goes back.
    await presenter.keyboard.press('ArrowLeft')
    await audience.bringToFront()
    await audience.locator(`${demo('tty')} .xterm-rows`, { hasText: 'typed-42' }).waitFor({ timeout: 30_000 })
    await presenter.bringToFront()
    expect(presenter.url()).toMatch(/\/presenter\/3(\?|$)/)
    await presenter.keyboard.type('exit')
    await presenter.keyboard.press('Enter')
    const inPresenter = await outputAfter(presenter, 'tty', 'ok')
    expect(inPresenter).toMatch(/^typed-42$/m)
    expect(await outputAfter(audience, 'tty', 'ok')).toBe(inPresenter)
    // The run has ended: no terminal takes keys in either window.
    for (const page of [presenter, audience])
      expect(await page.locator(`${demo('tty')} .demo-output[data-typing]`).count()).toBe(0)
    await presenter.locator(`${demo('tty')} [data-action="reset"]`).click()
    await presenter.locator(`${demo('tty')} .demo-output`).waitFor({ state: 'detached', timeout: 30_000 })
  })
})
