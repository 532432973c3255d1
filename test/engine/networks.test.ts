/** User-defined networks: DNS by name, isolation, the embedded resolver, connect/disconnect. */
import { describe, expect, it } from 'vitest'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import { docker, engineForThisFile, TestDemo } from './harness'

const env = engineForThisFile()
const sfx = Math.random().toString(36).slice(2, 7)


describe('networks', () => {
  it('co1 pings co2 by name on a user network and cannot resolve co3; resolv.conf names 127.0.0.11', async () => {
    await using demo = new TestDemo(env.engine, `
docker network create net-${sfx}
docker run -d --name co2-${sfx} --network net-${sfx} alpine sleep infinity
docker run -d --name co3-${sfx} alpine sleep infinity
docker run -it --name co1-${sfx} --network net-${sfx} alpine sh
/ # ping -c 1 -W 2 co2-${sfx}
/ # ping -c 1 -W 2 co3-${sfx}   # expect-fail: bad address
/ # cat /etc/resolv.conf
docker network ls
docker network inspect -f '{{.Name}} {{.Driver}}' net-${sfx}
`)
    const out = await demo.runAll(4)
    expect(out[0]).toMatch(/^[0-9a-f]{64}\n$/)
    const ping = await demo.run(5)
    expect(ping.exitCode).toBe(0)
    expect(ping.output).toMatch(/1 packets received/)
    const fail = await demo.run(6)
    expect(fail.exitCode).not.toBe(0)
    expect(fail.output).toContain(`bad address 'co3-${sfx}'`)
    expect((await demo.run(7)).output).toMatch(/nameserver 127\.0\.0\.11/)
    expect((await demo.run(8)).output).toMatch(new RegExp(`^NETWORK ID     NAME +DRIVER    SCOPE\\n[\\s\\S]*[0-9a-f]{12}   net-${sfx} +bridge    local\\n`))
    expect((await demo.run(9)).output).toBe(`net-${sfx} bridge\n`)
    const network = await docker.getNetwork(`net-${sfx}`).inspect() as { Labels: Record<string, string> }
    expect(network.Labels[DECK_LABEL]).toBe(demo.deckId)
  })

  it('network connect lets co3 resolve co2; disconnect and rm undo it', async () => {
    await using demo = new TestDemo(env.engine, `
docker network create net-${sfx}b
docker run -d --name co2-${sfx}b --network net-${sfx}b alpine sleep infinity
docker run -d --name co3-${sfx}b alpine sleep infinity
docker network connect net-${sfx}b co3-${sfx}b
docker exec co3-${sfx}b ping -c 1 -W 2 co2-${sfx}b
docker network disconnect net-${sfx}b co3-${sfx}b
docker exec co3-${sfx}b ping -c 1 -W 2 co2-${sfx}b
docker rm -f co2-${sfx}b
docker network rm net-${sfx}b
`)
    const out = await demo.runAll(6)
    expect(out[4]).toMatch(/1 packets received/)
    const after = await demo.run(7)
    expect(after.exitCode).not.toBe(0)
    expect(after.output).toContain('bad address')
    await demo.run(8)
    const rm = await demo.run(9)
    expect(rm).toMatchObject({ exitCode: 0, output: `net-${sfx}b\n` })
  })
})
