// Templates: rendered deeply with the run id, captures and env values (secrets reported), or an error
// naming the step and what is known; a step's label for messages.
import { describe, expect, it } from 'vitest';
import type { SmokeStep } from '../../src/smoke/spec.js';
import { stepLabel } from '../../src/smoke/step-label.js';
import {
  renderTemplates,
  type TemplateContext,
  TemplateError,
  templateNames,
} from '../../src/smoke/template.js';

const context: TemplateContext = {
  runId: 'smoke-abc0123456',
  captures: { orderId: 42, order: { id: 42 }, email: 'a@b.c' },
  env: { SHOP_TOKEN: 's3cret-token', EMPTY: '' },
};

describe('renderTemplates', () => {
  it('renders every string of objects and arrays, leaving keys and other values alone', () => {
    const step = {
      path: '/orders/{{orderId}}',
      headers: { authorization: 'Bearer {{env.SHOP_TOKEN}}', '{{orderId}}': 'key stays' },
      body: { reference: '{{ run.id }}', tags: ['x-{{run.id}}', 7, true, null] },
    };
    const { value, secrets } = renderTemplates(step, context, 'step 1');
    expect(value).toEqual({
      path: '/orders/42',
      headers: { authorization: 'Bearer s3cret-token', '{{orderId}}': 'key stays' },
      body: { reference: 'smoke-abc0123456', tags: ['x-smoke-abc0123456', 7, true, null] },
    });
    expect(secrets).toEqual(['s3cret-token']);
    // The input is not changed.
    expect(step.path).toBe('/orders/{{orderId}}');
  });

  it('gives a string that is one capture the captured value itself, and text inside other text', () => {
    const { value } = renderTemplates(
      { id: '{{orderId}}', order: '{{order}}', note: 'order {{order}}', run: '{{run.id}}' },
      context,
      'step 2',
    );
    expect(value).toEqual({ id: 42, order: { id: 42 }, note: 'order {"id":42}', run: 'smoke-abc0123456' });
  });

  it('leaves undefined and strings without templates as they are', () => {
    expect(renderTemplates(undefined, context, 'app.url').value).toBeUndefined();
    expect(renderTemplates('{ not: a template }', context, 'x').value).toBe('{ not: a template }');
  });

  it('names the step, the known captures and a likely one for an unknown capture', () => {
    const render = () => renderTemplates({ path: '/orders/{{orderid}}' }, context, 'read it back');
    expect(render).toThrow(TemplateError);
    expect(render).toThrow(
      'read it back: {{orderid}} names no captured value; captured so far: orderId, order, email',
    );
    try {
      render();
    } catch (error) {
      expect((error as TemplateError).fix).toBe('did you mean {{orderId}}?');
      expect((error as TemplateError).exitCode).toBe(2);
    }
  });

  it('names an unset or empty variable', () => {
    expect(() => renderTemplates('Bearer {{env.NOPE}}', context, 'app.headers')).toThrow(
      'app.headers: {{env.NOPE}} is not set',
    );
    expect(() => renderTemplates('{{env.EMPTY}}', context, 'x')).toThrow('{{env.EMPTY}} is not set');
  });

  it('refuses a template it does not know', () => {
    expect(() => renderTemplates('{{run.started}}', context, 'step 1')).toThrow(
      'step 1: {{run.started}} is not a template launchdb knows',
    );
  });
});

describe('templateNames', () => {
  it('lists the captures and variables a value uses, once each, without the run id', () => {
    const names = templateNames({
      a: '{{orderId}} {{ orderId }}',
      b: ['{{env.TOKEN}}', { c: '{{run.id}}-{{accountId}}' }],
    });
    expect(names).toEqual({ captures: ['orderId', 'accountId'], env: ['TOKEN'] });
  });
});

describe('stepLabel', () => {
  const http = { http: { method: 'POST', path: '/orders' } } as SmokeStep;
  it('is the name when there is one, else the place and the action, counted from 1', () => {
    expect(stepLabel({ ...http, name: 'create an order' }, 0, 'steps')).toBe('create an order');
    expect(stepLabel(http, 0, 'steps')).toBe('step 1 (http POST /orders)');
    expect(stepLabel(http, 1, 'finally')).toBe('finally step 2 (http POST /orders)');
  });

  it('quotes the start of a query and names what a poll retries', () => {
    const sql = {
      sql: { query: 'select status\n  from orders where reference = $1 and status <> $2' },
    } as SmokeStep;
    expect(stepLabel(sql, 2, 'steps')).toBe('step 3 (sql select status from orders where referenc…)');
    const poll = { poll: { step: { log: { database: true } }, timeoutMs: 1, intervalMs: 10 } } as SmokeStep;
    expect(stepLabel(poll, 0, 'steps')).toBe('step 1 (poll log database)');
  });
});
