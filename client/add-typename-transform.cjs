/* global require, exports */
// A codegen document transform (codegen.yml): adds `__typename` to every
// selection set of the generated documents, so the persisted documents hold
// exactly what Apollo Client's cache asks for. Re-exported from the client
// preset because codegen.yml can only name a module whose `transform` it calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
exports.transform = require('@graphql-codegen/client-preset').addTypenameSelectionDocumentTransform.transform;
