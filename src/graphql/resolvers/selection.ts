/**
 * Whether the client selected a field of the current field's result, with
 * graphql-js's own field-collection rules: `@skip`/`@include` (literal or from
 * variables, read by graphql-js's getDirectiveValues) and fragment type
 * conditions, across inline fragments and fragment spreads. A field that
 * execution would not run is not "selected".
 */
import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  isObjectType,
  typeFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type InlineFragmentNode,
  type SelectionSetNode,
} from 'graphql';

/** True when execution would resolve a field named `name` (under any alias) of this field's result. */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const named = getNamedType(info.returnType);
  const runtimeTypes: readonly GraphQLObjectType[] = isObjectType(named)
    ? [named]
    : isAbstractType(named)
      ? info.schema.getPossibleTypes(named)
      : [];
  return runtimeTypes.some((type) =>
    info.fieldNodes.some((node) => node.selectionSet !== undefined && inSelection(node.selectionSet, name, type, info, new Set())),
  );
}

function inSelection(
  set: SelectionSetNode,
  name: string,
  type: GraphQLObjectType,
  info: GraphQLResolveInfo,
  visitedFragments: Set<string>,
): boolean {
  return set.selections.some((sel) => {
    if (!shouldIncludeNode(info, sel)) return false;
    switch (sel.kind) {
      case Kind.FIELD:
        return sel.name.value === name;
      case Kind.INLINE_FRAGMENT:
        return fragmentApplies(info, sel, type) && inSelection(sel.selectionSet, name, type, info, visitedFragments);
      case Kind.FRAGMENT_SPREAD: {
        const fragmentName = sel.name.value;
        if (visitedFragments.has(fragmentName)) return false;
        visitedFragments.add(fragmentName);
        const fragment = info.fragments[fragmentName];
        return fragment !== undefined && fragmentApplies(info, fragment, type) && inSelection(fragment.selectionSet, name, type, info, visitedFragments);
      }
    }
  });
}

/** graphql-js's rule: `@skip(if: true)` excludes, `@include(if: false)` excludes, evaluated with the operation's variables. */
function shouldIncludeNode(info: GraphQLResolveInfo, node: FieldNode | InlineFragmentNode | FragmentSpreadNode): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, info.variableValues);
  if (skip?.['if'] === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues);
  return include?.['if'] !== false;
}

/** A fragment without a type condition, or whose condition is this type or one of its abstract supertypes. */
function fragmentApplies(info: GraphQLResolveInfo, fragment: InlineFragmentNode | FragmentDefinitionNode, type: GraphQLObjectType): boolean {
  const condition = fragment.typeCondition;
  if (!condition) return true;
  const conditionType = typeFromAST(info.schema, condition);
  if (conditionType === type) return true;
  return conditionType !== undefined && isAbstractType(conditionType) && info.schema.isSubType(conditionType, type);
}
