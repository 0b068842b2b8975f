// Captures read a JSON response by JSON Pointer or dot path, and say what is there when a path is not.
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/smoke/capture.js';

const order = { id: 42, status: 'paid', items: [{ id: 'a' }, { id: 'b' }], 'a/b': 1, 'c~d': 2, '': 3 };

describe('readCapture', () => {
  it('reads by JSON Pointer, with array indexes and the ~0 ~1 escapes', () => {
    expect(readCapture(order, '/id')).toEqual({ found: true, value: 42 });
    expect(readCapture(order, '/items/1/id')).toEqual({ found: true, value: 'b' });
    expect(readCapture(order, '/a~1b')).toEqual({ found: true, value: 1 });
    expect(readCapture(order, '/c~0d')).toEqual({ found: true, value: 2 });
    expect(readCapture(order, '/')).toEqual({ found: true, value: 3 });
    expect(readCapture(order, '')).toEqual({ found: true, value: order });
  });

  it('reads by dot path', () => {
    expect(readCapture(order, 'status')).toEqual({ found: true, value: 'paid' });
    expect(readCapture(order, 'items.0.id')).toEqual({ found: true, value: 'a' });
  });

  it('reads values that are null, false or 0 as found', () => {
    expect(readCapture({ a: null, b: false, c: 0 }, '/a')).toEqual({ found: true, value: null });
    expect(readCapture({ a: null, b: false, c: 0 }, 'b')).toEqual({ found: true, value: false });
  });

  it('names the keys that are there when a key is not', () => {
    expect(readCapture({ id: 1, status: 'x' }, '/order/id')).toEqual({
      found: false,
      reason: 'no value at /order/id (the response has keys: id, status)',
    });
    expect(readCapture({ order: { total: 1 } }, 'order.id')).toEqual({
      found: false,
      reason: 'no value at order.id (order has keys: total)',
    });
  });

  it('says how long an array is when an index is past its end or not an index', () => {
    const none = readCapture(order, '/items/2/id');
    expect(none).toEqual({ found: false, reason: 'no value at /items/2/id (/items is an array of 2 items)' });
    // RFC 6901: no leading zeros, and `-` (past the end) is never a value.
    expect(readCapture(order, '/items/01').found).toBe(false);
    expect(readCapture(order, '/items/-').found).toBe(false);
  });

  it('says what a value is when the path goes on below a scalar', () => {
    expect(readCapture(order, '/status/code')).toEqual({
      found: false,
      reason: 'no value at /status/code (/status is a string, not an object)',
    });
    expect(readCapture(null, '/id')).toMatchObject({
      reason: 'no value at /id (the response is null, not an object)',
    });
  });

  it('never reads what an object inherits', () => {
    expect(readCapture({}, 'constructor').found).toBe(false);
    expect(readCapture({ a: 1 }, '/__proto__').found).toBe(false);
    expect(readCapture({}, 'toString')).toEqual({
      found: false,
      reason: 'no value at toString (the response is an empty object)',
    });
  });

  it('says when there is no JSON body at all', () => {
    expect(readCapture(undefined, '/id')).toEqual({
      found: false,
      reason: 'no value at /id (the response has no JSON body)',
    });
  });
});
