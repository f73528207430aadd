import { screenHeaders } from '../../src/http/json-body';

describe('the header screen of request bodies', () => {
  const max = 1000;
  test.each([
    [{ 'content-type': 'application/json' }, undefined],
    [{ 'content-type': 'Application/JSON; charset=UTF-8' }, undefined],
    [{ 'content-type': 'application/json; charset="utf-8"', 'content-encoding': 'identity' }, undefined],
    [{ 'content-type': 'application/json', 'content-length': '1000' }, undefined],
    [{ 'content-type': 'application/json', 'content-encoding': 'gzip' }, 415],
    [{ 'content-type': 'application/json', 'content-encoding': 'deflate' }, 415],
    [{ 'content-type': 'application/json', 'content-encoding': 'br' }, 415],
    [{ 'content-type': 'application/json', 'content-encoding': 'gzip, identity' }, 415],
    [{}, 415],
    [{ 'content-type': 'text/plain' }, 415],
    [{ 'content-type': 'multipart/form-data; boundary=x' }, 415],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, 415],
    [{ 'content-type': 'application/json; charset=iso-8859-1' }, 415],
    [{ 'content-type': 'application/json', 'content-length': '1001' }, 413],
  ])('%j → %s', (headers, status) => {
    expect(screenHeaders(headers, max)?.status).toBe(status);
  });

  test('a refused encoding says which one and asks for identity', () => {
    const refusal = screenHeaders({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, max);
    expect(refusal).toMatchObject({ status: 415, headers: { 'accept-encoding': 'identity' }, message: expect.stringContaining('"gzip"') as unknown });
  });
});
