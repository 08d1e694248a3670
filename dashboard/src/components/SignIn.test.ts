import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { session, signOut } from '../hub/session';
import SignIn from './SignIn.vue';

function hubAnswering(status: number, body: unknown) {
  const fetch = vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => {
  vi.unstubAllGlobals();
  signOut();
});

describe('SignIn', () => {
  it('has a labelled password field for the token', () => {
    const form = mount(SignIn);
    const input = form.get('input#api-token');
    expect(input.attributes('type')).toBe('password');
    expect(form.get('label[for=api-token]').text()).toBe('API token');
  });

  it('checks the token with the hub on Enter and keeps the session in sessionStorage', async () => {
    const fetch = hubAnswering(200, { data: { viewer: { name: 'wall-screen', role: 'VIEWER', permissions: [] } } });
    const form = mount(SignIn);
    await form.get('input').setValue('rg_secret_token');
    await form.get('form').trigger('submit');
    await flushPromises();

    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>)['authorization']).toBe('Bearer rg_secret_token');
    expect(session.value).toEqual({ token: 'rg_secret_token', viewer: { name: 'wall-screen', role: 'VIEWER', permissions: [] } });
    expect(sessionStorage.getItem('releasegraph.token')).toBe('rg_secret_token');
  });

  it('says so when the hub refuses the token, and stays signed out', async () => {
    hubAnswering(401, { errors: [{ message: 'the API token is not valid (unknown or revoked)', extensions: { code: 'UNAUTHENTICATED' } }] });
    const form = mount(SignIn);
    await form.get('input').setValue('wrong');
    await form.get('form').trigger('submit');
    await flushPromises();

    expect(form.get('[role=alert]').text()).toBe('The hub does not accept this token (unknown or revoked).');
    expect(session.value).toBeNull();
    expect(sessionStorage.getItem('releasegraph.token')).toBeNull();
  });
});
