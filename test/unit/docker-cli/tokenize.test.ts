import { describe, expect, it } from 'vitest'
import { checkQuotes, tokenize, TokenizeError } from '../../../demo-server/docker-cli/tokenize'

const context = {
  variable: (name: string) => ({ CID: '606d3c712c48', EMPTY: '' } as Record<string, string>)[name],
  pwd: () => '/tmp/deck',
}
const words = (line: string) => tokenize(line, context)

describe('tokenize', () => {
  it('splits on blanks and keeps quoted blanks', () => {
    expect(words('docker run  --rm alpine sh -c "echo a  b"')).toEqual(['docker', 'run', '--rm', 'alpine', 'sh', '-c', 'echo a  b'])
  })

  it('keeps single quotes literal, $ and all', () => {
    expect(words(`sh -c 'i=$((i+1)); echo $i'`)).toEqual(['sh', '-c', 'i=$((i+1)); echo $i'])
  })

  it('expands $(pwd) inside and outside double quotes, as the seed writes it', () => {
    expect(words('--mount type=bind,source="$(pwd)"/target,target=/app')).toEqual(['--mount', 'type=bind,source=/tmp/deck/target,target=/app'])
    expect(words('-v $(pwd):/backup')).toEqual(['-v', '/tmp/deck:/backup'])
  })

  it('expands captured variables, braced or not, and keeps an empty one as an argument', () => {
    expect(words('docker exec -it $CID ash')).toEqual(['docker', 'exec', '-it', '606d3c712c48', 'ash'])
    expect(words('echo ${CID}x "$EMPTY"')).toEqual(['echo', '606d3c712c48x', ''])
  })

  it('handles escapes in double quotes and bare backslashes', () => {
    expect(words('echo "a \\"b\\" \\$c" d\\ e')).toEqual(['echo', 'a "b" $c', 'd e'])
  })

  it('keeps a lone dollar sign', () => {
    expect(words('echo $ 5$')).toEqual(['echo', '$', '5$'])
  })

  it.each([
    ['sh -c "echo hi', 'unbalanced double quote'],
    [`sh -c 'echo hi`, 'unbalanced single quote'],
    ['echo $(whoami)', 'command substitution "$(whoami)" is not supported'],
    ['echo $(pwd', 'unbalanced "$("'],
    ['echo ${CID', 'unbalanced "${"'],
    ['echo $NOPE', '$NOPE is not defined by an earlier step'],
    ['docker ps | grep x', 'shell operator "|"'],
    ['docker ps > out', 'shell operator ">"'],
    ['docker ps; ls', 'shell operator ";"'],
    ['docker run --rm alpine true && docker ps', 'shell operator "&&" is not supported in a docker step, which runs one command without a shell: write each command as a step of its own'],
    ['docker save x | gzip > x.tgz', 'run the pipeline in a "host$" step'],
    ['docker load < x.tar', 'docker load -i FILE'],
    ['echo "`id`"', 'backquote'],
  ])('refuses %s', (line, message) => {
    expect(() => words(line)).toThrow(TokenizeError)
    expect(() => words(line)).toThrow(message)
  })
})

describe('checkQuotes', () => {
  it('accepts pipelines and nested quotes that sh -c will run', () => {
    expect(() => checkQuotes(`ls /var/lib/docker | head -n 3 && echo "it's fine"`)).not.toThrow()
    expect(() => checkQuotes(`echo 'say "hi"' "back\\"slash"`)).not.toThrow()
  })

  it('names the quote that does not close', () => {
    expect(() => checkQuotes(`echo "fine" 'and this "`)).toThrow('unbalanced single quote')
    expect(() => checkQuotes('echo "open')).toThrow('unbalanced double quote')
  })
})
