// The slice of mvdan-sh (mvdan/sh compiled to JavaScript by GopherJS) that demo-server/shell/
// reads. Nodes are Go structs: fields as properties, methods (Pos, End, Line, ...) as functions.
declare module 'mvdan-sh' {
  export interface Pos {
    Offset: () => number
    Line: () => number
    Col: () => number
  }
  /** Any syntax node; which fields it has depends on syntax.NodeType(node). */
  export interface Node {
    Pos: () => Pos
    End: () => Pos
    [field: string]: any
  }
  export interface ParseError {
    Pos: Pos
    Text: string
    Incomplete: boolean
  }
  export interface Parser {
    /** Throws a ParseError. */
    Parse: (source: string, name: string) => Node
  }
  export type ParserOption = unknown
  export const syntax: {
    NewParser: (...options: ParserOption[]) => Parser
    KeepComments: (keep: boolean) => ParserOption
    Variant: (language: unknown) => ParserOption
    LangBash: unknown
    LangPOSIX: unknown
    NodeType: (node: Node) => string
    Walk: (node: Node, visit: (node: Node | null) => boolean) => void
    IsIncomplete: (error: unknown) => boolean
  }
  const sh: { syntax: typeof syntax }
  export default sh
}
