// The OpenID provider the portal's single sign-on tests sign in through: the certified
// oidc-provider package with its own signing keys, discovery document and JWKS, the
// authorisation code flow with PKCE required, and a sign-in page of its own.
//
// Started as `node server.mjs CONFIG.json`; prints "listening PORT" once it answers.
// CONFIG: {"port": 0, "client": {...client metadata...}, "kid": "key-1"}.
//
// What it says about the people who sign in, and how it misbehaves, is set by the tests
// at run time: POST /_test/behaviour with
//   {"accounts": {"username": {"claims": {...}, "amr": ["pwd", "mfa"]}},
//    "id_token": "normal" | "bad_signature" | "wrong_audience" | "expired" | "replay"}
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { URLSearchParams } from 'node:url';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const kid = config.kid || 'key-1';

let behaviour = { accounts: {}, id_token: 'normal' };
let lastIdToken = null;

const signingKeys = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(signingKeys.privateKey)), kid, use: 'sig', alg: 'RS256' };
// A key nobody published, for tokens whose signature must not verify.
const strangerKeys = await jose.generateKeyPair('RS256');

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function resign(idToken) {
  const claims = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  let key = signingKeys.privateKey;
  if (behaviour.id_token === 'bad_signature') key = strangerKeys.privateKey;
  if (behaviour.id_token === 'wrong_audience') claims.aud = 'another-service';
  if (behaviour.id_token === 'expired') {
    claims.iat = now - 7200;
    claims.exp = now - 3600;
  }
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
}

const server = http.createServer();
await new Promise((resolve) => server.listen(config.port || 0, '127.0.0.1', resolve));
const port = server.address().port;
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      ...config.client,
    },
  ],
  jwks: { keys: [signingJwk] },
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  scopes: ['openid', 'email', 'profile'],
  claims: {
    openid: ['sub', 'groups', 'amr', 'acr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  },
  cookies: { keys: ['test-provider-cookie-key'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = `<!DOCTYPE html><html lang="en"><head><title>Sign out</title></head><body>
          <h1>Sign out of the test identity provider?</h1>${form}
          <button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
          </body></html>`;
      },
    },
  },
  async findAccount(ctx, accountId) {
    const account = behaviour.accounts[accountId];
    if (!account) return undefined;
    return { accountId, claims: async () => ({ sub: accountId, ...account.claims }) };
  },
});
provider.proxy = false;

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || !ctx.body || typeof ctx.body !== 'object' || !ctx.body.id_token) return;
  const issued = ctx.body.id_token;
  if (behaviour.id_token === 'replay' && lastIdToken) {
    ctx.body = { ...ctx.body, id_token: lastIdToken };
  } else if (behaviour.id_token !== 'normal' && behaviour.id_token !== 'replay') {
    ctx.body = { ...ctx.body, id_token: await resign(issued) };
  }
  lastIdToken = issued;
});

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '));
    if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  if (action === 'login' && req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    const username = form.get('username') || '';
    const account = behaviour.accounts[username];
    if (account) {
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: username, amr: account.amr || ['pwd'], remember: false } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
  }
  send(
    res,
    200,
    'text/html; charset=utf-8',
    `<!DOCTYPE html><html lang="en"><head><title>Sign in to the test identity provider</title></head><body>
    <h1>Sign in to the test identity provider</h1>
    <form method="post" action="/interaction/${escapeHtml(uid)}/login">
      <label for="username">Provider username</label>
      <input id="username" name="username" autocomplete="off">
      <button type="submit">Sign in to the provider</button>
    </form></body></html>`,
  );
}

const handler = provider.callback();
server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/_test/behaviour' && req.method === 'POST') {
      behaviour = { accounts: {}, id_token: 'normal', ...JSON.parse(await readBody(req)) };
      send(res, 200, 'application/json', '{"ok": true}');
      return;
    }
    const match = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login))?$/);
    if (match) {
      await interaction(req, res, match[1], match[2]);
      return;
    }
    handler(req, res);
  } catch (error) {
    send(res, 500, 'text/plain', String(error && error.stack ? error.stack : error));
  }
});

process.stdout.write(`listening ${port}\n`);
