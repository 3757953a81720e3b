/**
 * GraphiQL derives the operation name from the editor a moment after the text
 * changes: a click on "run" right after switching tabs sends the new document
 * with the previous tab's operation name. The toolkit then does not recognise
 * a subscription (it looks the name up) and POSTs it, which fails with 400.
 * When the name is not in the document and the document has one operation,
 * use that operation's name. No DOM here (unit-tested in Node).
 */
import { Kind, parse, type DocumentNode } from 'graphql';

export interface OperationParams {
  query: string;
  operationName?: string | null;
}

export function withKnownOperationName<P extends OperationParams>(params: P): P {
  if (!params.operationName) return params;
  let names: (string | undefined)[];
  try {
    names = parse(params.query)
      .definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
      .map((d) => d.name?.value);
  } catch {
    return params; // not parseable: let the server say why
  }
  if (names.includes(params.operationName) || names.length !== 1) return params;
  return { ...params, operationName: names[0] ?? null };
}

/**
 * The document of the text being sent. GraphQL's toolkit picks WebSocket or
 * HTTP from the `documentAST` GraphiQL hands it, which GraphiQL also updates a
 * moment after the text (a busy machine makes that moment long): judged on
 * the previous tab's query, a subscription would be POSTed. Undefined when the
 * text does not parse (GraphiQL's own AST then stands).
 */
export function documentOf(query: string): DocumentNode | undefined {
  try {
    return parse(query);
  } catch {
    return undefined;
  }
}
