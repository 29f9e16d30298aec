// The submission API's OpenAPI 3.1 document, generated from the zod schemas the API is built on
// (api/submission-schemas.ts, api/problems.ts): never a hand-written copy. The operations below are
// the list the test compares with the router, so an endpoint cannot exist undocumented.
import { z } from 'zod';
import { problemSchema, problemTypes } from './problems.js';
import './submission-schemas.js';

interface Operation {
  method: 'get' | 'post' | 'put';
  path: string;
  summary: string;
  body?: string;
  ok: { status: number; schema: string; description: string };
  write: boolean;
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

export const operations: Operation[] = [
  {
    method: 'get',
    path: '/returns',
    summary: 'List your organisation’s returns, with status and deadline',
    ok: {
      status: 200,
      schema: 'ReturnList',
      description: 'Every month your organisation makes a return for',
    },
    write: false,
  },
  {
    method: 'get',
    path: '/returns/{period}',
    summary: 'Read a return with every death in it',
    ok: { status: 200, schema: 'ReturnDetail', description: 'The return' },
    write: false,
  },
  {
    method: 'post',
    path: '/returns/{period}/records',
    summary: 'Add a death (the same answers and rules as the form)',
    body: 'RecordInput',
    ok: {
      status: 201,
      schema: 'Record',
      description:
        'The death as saved (or as saved before, when sent again with the same reference and answers)',
    },
    write: true,
  },
  {
    method: 'put',
    path: '/returns/{period}/records/{id}',
    summary: 'Replace a death’s answers (fields left out become blank)',
    body: 'RecordInput',
    ok: { status: 200, schema: 'Record', description: 'The death as saved' },
    write: true,
  },
  {
    method: 'post',
    path: '/returns/{period}/records/{id}/withdraw',
    summary: 'Withdraw a death (it is kept, marked withdrawn)',
    body: 'WithdrawInput',
    ok: { status: 200, schema: 'Record', description: 'The death, withdrawn' },
    write: true,
  },
  {
    method: 'put',
    path: '/returns/{period}/records/{id}/linkage',
    summary: 'Set the identifiers that link a death across partners (hashed at once, never stored)',
    body: 'LinkageInput',
    ok: { status: 200, schema: 'Record', description: 'The death' },
    write: true,
  },
  {
    method: 'get',
    path: '/returns/{period}/queries',
    summary: 'Read the questions CCSU asked about deaths in a return',
    ok: { status: 200, schema: 'QueryList', description: 'The questions, newest first' },
    write: false,
  },
  {
    method: 'post',
    path: '/queries/{id}/answer',
    summary: 'Answer a question CCSU asked',
    body: 'AnswerInput',
    ok: { status: 200, schema: 'Query', description: 'The question, answered' },
    write: true,
  },
  {
    method: 'post',
    path: '/returns/{period}/nil',
    summary: 'Make a signed nil return: no deaths this month',
    body: 'SignInput',
    ok: { status: 201, schema: 'Signed', description: 'The return’s reference' },
    write: true,
  },
  {
    method: 'post',
    path: '/returns/{period}/submit',
    summary: 'Submit (sign) the return',
    body: 'SignInput',
    ok: { status: 201, schema: 'Signed', description: 'The return’s reference' },
    write: true,
  },
];

function parameters(path: string) {
  const list: object[] = [];
  if (path.includes('{period}'))
    list.push({
      name: 'period',
      in: 'path',
      required: true,
      schema: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' },
      description: 'The month, YYYY-MM',
    });
  if (path.includes('{id}'))
    list.push({
      name: 'id',
      in: 'path',
      required: true,
      schema: { type: 'integer', minimum: 1 },
      description: path.startsWith('/queries')
        ? 'The question’s id'
        : 'The death’s id, as the API returned it',
    });
  return list;
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

/** The document, for a service at `publicUrl`. */
export function openApiDocument(publicUrl: string) {
  const generated = z.toJSONSchema(z.globalRegistry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: 'input',
  }) as { schemas: Record<string, Record<string, unknown>> };
  // Each component without the JSON Schema document keywords ($schema, $id) a component does not need.
  const schemas = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
  void problemSchema; // registered by its meta id
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    paths[op.path] ??= { parameters: parameters(op.path) };
    paths[op.path]![op.method] = {
      summary: op.summary,
      operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, 'By$1').replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase())}`,
      ...(op.write
        ? {
            parameters: [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                schema: { type: 'string', minLength: 1, maxLength: 255 },
                description:
                  'Send one per write: a retry with the same key and body gets the same answer, without a second write',
              },
            ],
          }
        : {}),
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: ref(op.body) } } } }
        : {}),
      responses: {
        [String(op.ok.status)]: {
          description: op.ok.description,
          content: { 'application/json': { schema: ref(op.ok.schema) } },
        },
        ...Object.fromEntries(
          [...new Set(Object.values(problemTypes).map((p) => p.status))].map((status) => [
            String(status),
            problemResponse(
              Object.entries(problemTypes)
                .filter(([, p]) => p.status === status)
                .map(([kind, p]) => `${kind}: ${p.title}`)
                .join('; '),
            ),
          ]),
        ),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'drd-return submission API',
      version: '1.0.0',
      description:
        'Make your organisation’s monthly return of drug- and alcohol-related deaths from your own system. Authenticate with a submission key (your return lead creates one under Your organisation → Submission keys). Every answer follows the same rules, and gets the same messages, as the web form. Never send names, dates of birth, NHS numbers or addresses in a free-text field: identifiers go only to the linkage endpoint, which hashes them at once.',
    },
    servers: [{ url: `${publicUrl}/api/v1/submission` }],
    security: [{ submitKey: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        submitKey: { type: 'http', scheme: 'bearer', description: 'A submission key: drd_…' },
      },
    },
  };
}
