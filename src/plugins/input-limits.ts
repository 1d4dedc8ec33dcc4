import SchemaBuilder, { BasePlugin, type PothosInputFieldConfig, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLInputField,
  type GraphQLInputType,
} from "graphql";
import { BadUserInputError } from "../errors.js";

/**
 * A Pothos plugin that bounds every input a client sends, before any resolver
 * code runs: every string argument and input field (String and ID) has a
 * length limit and every list a size limit, the defaults below unless the
 * field says otherwise (`extensions: { maxLength }` / `{ maxItems }`), and
 * every limit is written into the schema's description of the field.
 *
 * Strings must also be text PostgreSQL can store: no NUL character (it
 * rejects them) and no lone UTF-16 surrogate (it cannot encode them). A
 * value that breaks any of these is BAD_USER_INPUT naming the field, like
 * `input.title`, and a list's item by its place, like `input.tags.2`.
 */
export const DEFAULT_MAX_LENGTH = 1_000;
/** Ids are Relay global ids: base64 of `Type:number`, a few dozen characters. */
export const DEFAULT_MAX_ID_LENGTH = 100;
export const DEFAULT_MAX_ITEMS = 100;

export interface InputLimitExtensions {
  maxLength?: number;
  maxItems?: number;
}

type Check = (value: unknown, field: string) => void;

function limitsOf(field: GraphQLArgument | GraphQLInputField): Required<InputLimitExtensions> {
  const extensions = (field.extensions ?? {}) as InputLimitExtensions;
  const isId = getNamedType(field.type).name === "ID";
  return {
    maxLength: extensions.maxLength ?? (isId ? DEFAULT_MAX_ID_LENGTH : DEFAULT_MAX_LENGTH),
    maxItems: extensions.maxItems ?? DEFAULT_MAX_ITEMS,
  };
}

function checkString(value: string, field: string, maxLength: number): void {
  if (value.length > maxLength) throw new BadUserInputError(`"${field}" is longer than ${maxLength} characters.`, field);
  if (value.includes("\u0000")) throw new BadUserInputError(`"${field}" contains a NUL character.`, field);
  if (!value.isWellFormed()) throw new BadUserInputError(`"${field}" is not well-formed Unicode (a lone surrogate).`, field);
}

const inputObjectChecks = new WeakMap<object, Check>();

/** A check for values of `type`, made once per type and field. */
function checkFor(type: GraphQLInputType, limits: Required<InputLimitExtensions>): Check | null {
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const item = checkFor(nullable.ofType, limits);
    return (value, field) => {
      if (!Array.isArray(value)) return;
      if (value.length > limits.maxItems) throw new BadUserInputError(`"${field}" has more than ${limits.maxItems} items.`, field);
      // An item is named by its place, like `input.posts.3.slug`, as a batch's item errors name it.
      if (item) value.forEach((element, index) => item(element, `${field}.${index}`));
    };
  }
  if (isScalarType(nullable) && (nullable.name === "String" || nullable.name === "ID")) {
    return (value, field) => {
      if (typeof value === "string") checkString(value, field, limits.maxLength);
    };
  }
  if (isInputObjectType(nullable)) {
    let check = inputObjectChecks.get(nullable);
    if (!check) {
      const fields = Object.values(nullable.getFields()).map((inner) => [inner.name, checkFor(inner.type, limitsOf(inner))] as const);
      check = (value, field) => {
        if (value === null || typeof value !== "object") return;
        for (const [name, inner] of fields) {
          const innerValue = (value as Record<string, unknown>)[name];
          if (inner && innerValue != null) inner(innerValue, `${field}.${name}`);
        }
      };
      inputObjectChecks.set(nullable, check);
    }
    return check;
  }
  return null;
}

/** The sentence a limited field's description gains. */
function limitNote(type: PothosInputFieldConfig<SchemaTypes>["type"], extensions: InputLimitExtensions, typeName: (ref: unknown) => string) {
  const textType = (inner: PothosInputFieldConfig<SchemaTypes>["type"]) =>
    inner.kind === "Scalar" ? ({ String: "String", ID: "ID" } as Record<string, string>)[typeName(inner.ref)] : undefined;
  const maxLength = (name: string) => extensions.maxLength ?? (name === "ID" ? DEFAULT_MAX_ID_LENGTH : DEFAULT_MAX_LENGTH);
  if (type.kind === "List") {
    const items = `At most ${extensions.maxItems ?? DEFAULT_MAX_ITEMS} items`;
    const inner = textType(type.type);
    return inner ? `${items}, each at most ${maxLength(inner)} characters.` : `${items}.`;
  }
  const name = textType(type);
  return name ? `At most ${maxLength(name)} characters.` : null;
}

/** The checks of a field's arguments that have limits, built once per field on its first call. */
function argumentChecks(field: GraphQLField<unknown, unknown>): (readonly [string, Check])[] {
  return field.args
    .map((arg) => [arg.name, checkFor(arg.type, limitsOf(arg))] as const)
    .filter((entry): entry is readonly [string, Check] => entry[1] !== null);
}

export class InputLimitsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onInputFieldConfig(fieldConfig: PothosInputFieldConfig<Types>): PothosInputFieldConfig<Types> {
    const extensions = (fieldConfig.extensions ?? {}) as InputLimitExtensions;
    const note = limitNote(fieldConfig.type as PothosInputFieldConfig<SchemaTypes>["type"], extensions, (ref) =>
      this.buildCache.getTypeConfig(ref as never).name,
    );
    if (!note) return fieldConfig;
    return { ...fieldConfig, description: fieldConfig.description ? `${fieldConfig.description} ${note}` : note };
  }

  // An argument mapper, run before any other (Relay's global-id decoding among them), so a value
  // is checked as the client sent it and before anything works on it.
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    if (Object.keys(fieldConfig.args).length === 0) return fieldConfig;
    let checks: (readonly [string, Check])[] | undefined;
    const { parentType, name } = fieldConfig;
    const check = (args: Record<string, unknown>, _context: unknown, info: { schema: GraphQLSchema }) => {
      checks ??= argumentChecks((info.schema.getType(parentType) as GraphQLObjectType).getFields()[name]!);
      for (const [name, checkArg] of checks) {
        const value = args[name];
        if (value != null) checkArg(value, name);
      }
      return args;
    };
    return { ...fieldConfig, argMappers: [check, ...(fieldConfig.argMappers ?? [])] };
  }
}

const pluginName = "inputLimits";
SchemaBuilder.registerPlugin(pluginName, InputLimitsPlugin);
export default pluginName;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      inputLimits: InputLimitsPlugin<Types>;
    }
  }
}
