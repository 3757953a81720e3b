/** Whether the client selected a field of the current field's result (fragments included). */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  return info.fieldNodes.some((node) => node.selectionSet !== undefined && inSelection(node.selectionSet, name, info));
}

function inSelection(set: SelectionSetNode, name: string, info: GraphQLResolveInfo): boolean {
  return set.selections.some((sel) => {
    switch (sel.kind) {
      case Kind.FIELD:
        return sel.name.value === name;
      case Kind.INLINE_FRAGMENT:
        return inSelection(sel.selectionSet, name, info);
      case Kind.FRAGMENT_SPREAD: {
        const fragment = info.fragments[sel.name.value];
        return fragment !== undefined && inSelection(fragment.selectionSet, name, info);
      }
    }
  });
}
