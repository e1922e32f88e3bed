import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import { parse } from 'yaml'
import { isRecord } from './fields.ts'

/** Validates JSON bodies against the schemas of Plaid's OpenAPI 3.0 description. */
export interface PlaidSchemas {
  /** The schema name of a path's 200 answer, e.g. "TransferGetResponse". */
  responseSchemaOf(path: string): string
  /** Answers the validation errors as text; an empty list means the body conforms. */
  check(schemaName: string, body: unknown): string[]
}

const documentId = 'plaid-openapi.json'

/**
 * Reads the YAML and rewrites the OpenAPI 3.0 parts that JSON Schema lacks: `nullable: true`
 * becomes a null-accepting type, and draft-4 boolean `exclusiveMinimum`/`exclusiveMaximum`
 * (only ever `false` in Plaid's file) are dropped.
 */
export function loadPlaidSchemas(specPath: string): PlaidSchemas {
  const spec: unknown = parse(readFileSync(specPath, 'utf8'), { maxAliasCount: -1 })
  const paths = isRecord(spec) && isRecord(spec.paths) ? spec.paths : {}
  const components = isRecord(spec) && isRecord(spec.components) ? spec.components : {}
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false })
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/)
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/)
  for (const format of ['double', 'float', 'email', 'uri', 'uri-reference', 'url', 'uuid']) {
    ajv.addFormat(format, true)
  }
  for (const format of ['binary', 'cognito', 'valid', '']) ajv.addFormat(format, true)
  ajv.addSchema({ $id: documentId, components: { schemas: toJsonSchemaMap(components.schemas) } })
  const validators = new Map<string, ValidateFunction>()

  function validatorFor(schemaName: string): ValidateFunction {
    const known = validators.get(schemaName)
    if (known) return known

    const validate = ajv.getSchema(`${documentId}#/components/schemas/${schemaName}`)
    if (!validate) throw new Error(`Plaid's OpenAPI file has no schema named ${schemaName}`)
    validators.set(schemaName, validate)

    return validate
  }

  return {
    responseSchemaOf(path) {
      const ref = readPath(paths, [path, 'post', 'responses', '200', 'content'])
      const schema = readPath(ref, ['application/json', 'schema', '$ref'])
      if (typeof schema !== 'string') throw new Error(`no 200 schema for ${path}`)

      return schema.replace('#/components/schemas/', '')
    },
    check(schemaName, body) {
      const validate = validatorFor(schemaName)
      if (validate(body)) return []

      return (validate.errors ?? []).map(
        (error) => `${schemaName}${error.instancePath} ${error.message ?? ''}`,
      )
    },
  }
}

function readPath(value: unknown, keys: string[]): unknown {
  let current = value
  for (const key of keys) current = isRecord(current) ? current[key] : undefined

  return current
}

const copiedAsIs = new Set(['enum', 'required', 'default'])
const schemaMaps = new Set(['properties', 'patternProperties'])

function toJsonSchemaMap(map: unknown): Record<string, unknown> {
  if (!isRecord(map)) return {}

  return Object.fromEntries(
    Object.entries(map).map(([name, schema]) => [name, toJsonSchema(schema)]),
  )
}

function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema)
  if (!isRecord(node)) return node

  const converted: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    const draft4Exclusive = key.startsWith('exclusiveM') && typeof value === 'boolean'
    if (key === 'nullable' || key === 'example' || key.startsWith('x-') || draft4Exclusive) continue

    if (schemaMaps.has(key)) converted[key] = toJsonSchemaMap(value)
    else converted[key] = copiedAsIs.has(key) ? value : toJsonSchema(value)
  }
  if (node.nullable !== true) return converted

  if (typeof converted.type === 'string') {
    converted.type = [converted.type, 'null']
    if (Array.isArray(converted.enum) && !converted.enum.includes(null)) {
      converted.enum = [...converted.enum, null]
    }
    return converted
  }

  return { anyOf: [converted, { type: 'null' }] }
}
