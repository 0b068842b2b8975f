// Route registrations, the code that runs per request in Node servers: `app.get('/users', handler)`,
// `router.use(mw)`, `fastify.route({ handler })`, NestJS `@Get()` methods.
import type * as TS from 'typescript';
import { calleeOrigin, type Imports, propertyText, skipOuter } from './module-imports.js';
import { ts } from './typescript.js';

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'options', 'head']);
const OTHER_METHODS: Record<string, string> = {
  use: 'middleware',
  route: 'route',
  on: 'route',
  addHook: 'hook',
  param: 'param handler',
};

/** Options of a Fastify route (or shorthand route) that hold functions run per request. */
const HANDLER_OPTIONS = new Set(['handler', 'preHandler', 'onRequest', 'preValidation', 'preParsing']);

/** Fastify hooks run per request; `onReady`, `onClose`, `onRoute`… run once and are not handlers. */
const REQUEST_HOOKS = new Set([
  'onRequest',
  'preParsing',
  'preValidation',
  'preHandler',
  'preSerialization',
  'onSend',
  'onResponse',
  'onError',
  'onTimeout',
  'onRequestAbort',
]);

/** `app.on('GET', '/x', h)` (Hono) and `server.on('request', h)` (Node) route; `on('close')` does not. */
const ROUTING_EVENT = /^(request|[A-Z]+)$/;

/** tRPC: `publicProcedure.query(…)`, `t.procedure.input(schema).mutation(…)`. */
const PROCEDURE_METHODS = new Set(['query', 'mutation', 'subscription']);

/** A receiver whose name says it routes requests, when where it comes from cannot be seen. */
const ROUTER_NAME = /^(app|api|router|server|fastify|instance|routes?|r)$|(router|app|routes)$/i;

interface AppFactory {
  modules: readonly string[];
  name: string;
  how: 'new' | 'call';
  framework: string;
}

const APP_FACTORIES: readonly AppFactory[] = [
  { modules: ['express'], name: 'default', how: 'call', framework: 'Express' },
  { modules: ['express'], name: 'Router', how: 'call', framework: 'Express' },
  { modules: ['koa'], name: 'default', how: 'new', framework: 'Koa' },
  { modules: ['@koa/router', 'koa-router'], name: 'default', how: 'new', framework: 'Koa' },
  { modules: ['fastify'], name: 'default', how: 'call', framework: 'Fastify' },
  { modules: ['fastify'], name: 'fastify', how: 'call', framework: 'Fastify' },
  { modules: ['fastify'], name: 'Fastify', how: 'call', framework: 'Fastify' },
  { modules: ['hono', 'hono/tiny', 'hono/quick'], name: 'Hono', how: 'new', framework: 'Hono' },
  { modules: ['@hono/zod-openapi'], name: 'OpenAPIHono', how: 'new', framework: 'Hono' },
];

const FRAMEWORK_MODULES: Record<string, string> = {
  express: 'Express',
  koa: 'Koa',
  '@koa/router': 'Koa',
  'koa-router': 'Koa',
  fastify: 'Fastify',
  hono: 'Hono',
};

const HTTP_MODULES = new Set(['http', 'https', 'http2', 'node:http', 'node:https', 'node:http2']);

/** What the walk knows of the file when it meets a call. */
export interface RouteContext {
  imports: Imports;
  /** Variables holding an app or router, by the framework that made them. */
  apps: Map<string, string>;
}

export interface RouteRegistration {
  framework: string;
  /** `route GET /users`, `middleware`, `hook onRequest`. */
  name: string;
  /** The arguments that are (or wrap, or name) the functions run per request. */
  handlers: TS.Expression[];
}

/** The framework whose app or router an expression creates: `express()`, `new Hono()`, `Router()`. */
export function appFramework(expression: TS.Expression, imports: Imports): string | undefined {
  const inner = skipOuter(expression);
  if (!ts.isCallExpression(inner) && !ts.isNewExpression(inner)) return undefined;
  const origin = calleeOrigin(inner.expression, imports);
  if (!origin) return undefined;
  const how = ts.isNewExpression(inner) ? 'new' : 'call';
  return APP_FACTORIES.find(
    (factory) =>
      factory.how === how && factory.name === origin.name && factory.modules.includes(origin.module),
  )?.framework;
}

/** The route a call registers, if it is one, with the expressions that hold its handlers. */
export function routeRegistration(
  call: TS.CallExpression,
  context: RouteContext,
): RouteRegistration | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee) && isHttpCreateServer(callee, context.imports)) {
    return { framework: 'Node.js http', name: 'request listener', handlers: [...call.arguments] };
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (ts.isIdentifier(callee.expression) && isHttpModule(callee.expression, context.imports)) {
    return method === 'createServer'
      ? { framework: 'Node.js http', name: 'request listener', handlers: [...call.arguments] }
      : undefined;
  }
  if (PROCEDURE_METHODS.has(method) && isProcedure(callee.expression)) {
    return { framework: 'tRPC', name: `${method} procedure`, handlers: [...call.arguments] };
  }
  if (!VERBS.has(method) && OTHER_METHODS[method] === undefined) return undefined;
  if (!isRequestEvent(method, call)) return undefined;
  const framework = receiverFramework(callee.expression, context);
  if (!framework) return undefined;
  const handlers = call.arguments.filter(
    (argument) => !ts.isStringLiteralLike(argument) && !ts.isArrayLiteralExpression(argument),
  );
  return { framework, name: routeName(method, call), handlers };
}

/** `on` and `addHook` register per-request code only for some events. */
function isRequestEvent(method: string, call: TS.CallExpression): boolean {
  if (method !== 'on' && method !== 'addHook') return true;
  const [event] = call.arguments;
  if (!event) return false;
  if (method === 'addHook') return ts.isStringLiteralLike(event) && REQUEST_HOOKS.has(event.text);
  return (
    ts.isArrayLiteralExpression(event) || (ts.isStringLiteralLike(event) && ROUTING_EVENT.test(event.text))
  );
}

/** A receiver chain that builds a tRPC procedure: some link is named `…procedure`. */
function isProcedure(expression: TS.Expression): boolean {
  const inner = skipOuter(expression);
  if (ts.isIdentifier(inner)) return /procedure$/i.test(inner.text);
  if (ts.isPropertyAccessExpression(inner)) {
    return /procedure$/i.test(inner.name.text) || isProcedure(inner.expression);
  }
  if (ts.isCallExpression(inner)) return isProcedure(inner.expression);
  return false;
}

function isHttpModule(name: TS.Identifier, imports: Imports): boolean {
  const origin = imports.get(name.text);
  return (
    origin !== undefined &&
    HTTP_MODULES.has(origin.module) &&
    (origin.name === '*' || origin.name === 'default')
  );
}

function isHttpCreateServer(name: TS.Identifier, imports: Imports): boolean {
  const origin = imports.get(name.text);
  return origin !== undefined && HTTP_MODULES.has(origin.module) && origin.name === 'createServer';
}

/** The framework of what a route method is called on, or undefined when it is not an app or router. */
function receiverFramework(expression: TS.Expression, context: RouteContext): string | undefined {
  const inner = skipOuter(expression);
  if (ts.isIdentifier(inner)) {
    const known = context.apps.get(inner.text);
    if (known) return known;
    return ROUTER_NAME.test(inner.text) ? guessFramework(inner.text, context.imports) : undefined;
  }
  if (ts.isPropertyAccessExpression(inner)) {
    // `this.app.get(…)`, `server.router.post(…)`
    return ROUTER_NAME.test(inner.name.text) ? guessFramework(inner.name.text, context.imports) : undefined;
  }
  if (ts.isCallExpression(inner) || ts.isNewExpression(inner)) {
    const made = appFramework(inner, context.imports);
    if (made) return made;
    // A chain: `app.route('/book').get(…)`, `new Hono().basePath('/api').get(…)`.
    if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression)) {
      return receiverFramework(inner.expression.expression, context);
    }
  }
  return undefined;
}

/** A router-named receiver's framework: the one the file imports, `Fastify` for a plugin's `fastify`. */
function guessFramework(name: string, imports: Imports): string {
  for (const { module } of imports.values()) {
    const framework = FRAMEWORK_MODULES[module];
    if (framework) return framework;
  }
  return /^(fastify|instance)$/i.test(name) ? 'Fastify' : 'HTTP';
}

function routeName(method: string, call: TS.CallExpression): string {
  const [first, second] = call.arguments;
  const path = first && ts.isStringLiteralLike(first) ? first.text : chainedPath(call);
  if (VERBS.has(method))
    return `route ${method === 'del' ? 'DELETE' : method.toUpperCase()}${path ? ` ${path}` : ''}`;
  if (method === 'on' && path) {
    const target = second && ts.isStringLiteralLike(second) ? ` ${second.text}` : '';
    return `route ${path}${target}`;
  }
  if (method === 'route' && first && ts.isObjectLiteralExpression(first)) {
    const read = (key: string) => {
      const property = first.properties.find(
        (candidate): candidate is TS.PropertyAssignment =>
          ts.isPropertyAssignment(candidate) && propertyText(candidate.name) === key,
      );
      return property && ts.isStringLiteralLike(property.initializer) ? property.initializer.text : undefined;
    };
    const verb = read('method');
    const url = read('url') ?? read('path');
    return `route${verb ? ` ${verb.toUpperCase()}` : ''}${url ? ` ${url}` : ''}`;
  }
  return `${OTHER_METHODS[method]}${path ? ` ${path}` : ''}`;
}

/** The path of a chained route: `app.route('/book').get(…)`. */
function chainedPath(call: TS.CallExpression): string | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const receiver = skipOuter(callee.expression);
  if (!ts.isCallExpression(receiver) || !ts.isPropertyAccessExpression(receiver.expression)) return undefined;
  const [path] = receiver.arguments;
  if (receiver.expression.name.text === 'route' && path && ts.isStringLiteralLike(path)) return path.text;
  return chainedPath(receiver);
}

/** Properties of a route's options object that hold per-request functions. */
export function handlerOptions(options: TS.ObjectLiteralExpression): TS.Node[] {
  return options.properties.filter((property) => {
    const name = property.name && propertyText(property.name);
    return name !== undefined && HANDLER_OPTIONS.has(name);
  });
}

const NEST_ROUTES = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All', 'Options', 'Head']);

/** A NestJS controller method's route (`@Get(':id')` in an `@Controller()` class), if it is one. */
export function nestRoute(method: TS.MethodDeclaration, owner: TS.ClassLikeDeclaration): string | undefined {
  if (!decoratorNames(owner).includes('Controller')) return undefined;
  const route = decoratorNames(method).find((name) => NEST_ROUTES.has(name));
  return route ? `route ${route.toUpperCase()} ${method.name.getText()}` : undefined;
}

function decoratorNames(node: TS.HasDecorators): string[] {
  return (ts.getDecorators(node) ?? []).flatMap((decorator) => {
    const expression = decorator.expression;
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    return ts.isIdentifier(callee) ? [callee.text] : [];
  });
}
