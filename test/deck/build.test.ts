/**
 * The deck as a deck: `slidev build` of slides.md succeeds, ships every diagram of public/, and
 * nothing in it loads from the web. (That its demos pass the deck check is test/unit/deck.)
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { slidesOf, textOutsideFences } from './deck-text'

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..')
const SLIDES = join(ROOT, 'slides.md')
const PUBLIC = join(ROOT, 'public')
const SLIDEV = join(ROOT, 'node_modules/@slidev/cli/bin/slidev.mjs')
const BUILD_TIMEOUT_MS = 180_000

async function publicSvgs(): Promise<string[]> {
  return (await readdir(PUBLIC)).filter(name => name.endsWith('.svg')).sort()
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory())
      out.push(...await filesUnder(path))
    else
      out.push(path)
  }
  return out
}

describe('slides.md sources', () => {
  it('references every SVG in public/, and every image it references exists', async () => {
    const slides = await readFile(SLIDES, 'utf8')
    const svgs = await publicSvgs()
    expect(svgs.length).toBeGreaterThanOrEqual(4)
    for (const svg of svgs)
      expect(slides, `public/${svg} is not used by slides.md`).toContain(`/${svg}`)
    for (const [, ref] of slides.matchAll(/(?:src=["']|\]\(|favicon:\s*)(\/[^"')\s]+\.(?:svg|png|jpe?g|gif|webp))/g))
      expect(existsSync(join(PUBLIC, ref)), `slides.md refers to ${ref}, which is not in public/`).toBe(true)
  })

  it('loads no image, stylesheet or font from the web', async () => {
    const text = textOutsideFences(await readFile(SLIDES, 'utf8'))
    const offenders = [
      ...text.matchAll(/<(?:img|source|image|iframe|video|audio|script|link)\b[^>]*\b(?:src|href|srcset)\s*=\s*["']?https?:[^\s"'>]*/gi),
      ...text.matchAll(/!\[[^\]]*\]\(\s*<?https?:[^)]*\)/g),
      ...text.matchAll(/url\(\s*["']?https?:[^)]*\)/gi),
      ...text.matchAll(/^(?:background|image|favicon|themeConfig\.\w+)\s*:\s*["']?https?:.*$/gim),
      ...text.matchAll(/@import\s+["']?(?:url\()?https?:[^;]*/gi),
    ].map(m => m[0])
    expect(offenders).toEqual([])
  })

  it('has diagrams that stay offline and use a Japanese font', async () => {
    for (const svg of await publicSvgs()) {
      const text = await readFile(join(PUBLIC, svg), 'utf8')
      expect(text, svg).toMatch(/^<svg\b[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
      expect(text.trimEnd().endsWith('</svg>'), `${svg} is cut short`).toBe(true)
      // The namespace URI is a name, not a load; anything else on http(s) would be fetched.
      const external = [...text.matchAll(/(?:href|src)\s*=\s*["'](https?:[^"']*)/g)].map(m => m[1])
      expect(external, `${svg} refers to the web`).toEqual([])
      expect(text, `${svg} has no @import`).not.toMatch(/@import|url\(\s*["']?https?:/)
      // Drawn Japanese (not just a <title>) needs the CJK font, or print and projector show tofu.
      if (/<(?:text|tspan)\b[^>]*>[^<]*[\u3040-\u30FF\u4E00-\u9FFF]/.test(text))
        expect(text, `${svg} draws Japanese text but names no Noto Sans CJK JP font`).toContain('Noto Sans CJK JP')
    }
  })

  it('says "Docker ホスト" on every slide with a host$ step', async () => {
    const slides = slidesOf(await readFile(SLIDES, 'utf8'))
    const missing = slides
      .filter(slide => /^host\$ /m.test(slide.text))
      .filter(slide => !textOutsideFences(slide.text).includes('Docker ホスト'))
      .map(slide => `slides.md:${slide.line}`)
    expect(missing, 'slides whose host$ steps are not introduced as running on the Docker host').toEqual([])
  })
})

describe('slidev build', () => {
  let outDir: string
  let build: { code: number | null, output: string }

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'deck-build-'))
    build = await new Promise((resolveBuild) => {
      execFile(
        process.execPath,
        [SLIDEV, 'build', 'slides.md', '--out', outDir],
        { cwd: ROOT, timeout: BUILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: '1' } },
        (error, stdout, stderr) => resolveBuild({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          output: `${stdout}\n${stderr}`,
        }),
      )
    })
  }, BUILD_TIMEOUT_MS + 10_000)

  afterAll(async () => {
    if (outDir)
      await rm(outDir, { recursive: true, force: true })
  })

  it('succeeds', () => {
    expect(build.code, build.output.slice(-4000)).toBe(0)
    expect(existsSync(join(outDir, 'index.html'))).toBe(true)
  })

  it('ships every SVG of public/ unchanged', async () => {
    for (const svg of await publicSvgs()) {
      const built = join(outDir, svg)
      expect(existsSync(built), `${svg} is missing from the built site`).toBe(true)
      expect(await readFile(built, 'utf8')).toBe(await readFile(join(PUBLIC, svg), 'utf8'))
    }
  })

  it('builds a site that loads nothing from the web', async () => {
    const index = await readFile(join(outDir, 'index.html'), 'utf8')
    expect(index).not.toMatch(/<(?:link|script|img)\b[^>]*(?:href|src)\s*=\s*["']?https?:/i)
    expect(index).toContain('/favicon.svg')
    for (const file of await filesUnder(outDir)) {
      if (!/\.(?:js|css|html)$/.test(file))
        continue
      const text = await readFile(file, 'utf8')
      expect(text, `${file} loads Google Fonts`).not.toMatch(/fonts\.(?:googleapis|gstatic)\.com/)
      expect(text, `${file} loads the default favicon from a CDN`).not.toContain('cdn.jsdelivr.net/gh/slidevjs')
    }
  })
})
