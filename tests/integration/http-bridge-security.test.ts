import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  isAllowedHost,
  isAllowedOrigin,
  readBearerToken,
  readCookie,
  tokenMatches,
} from '../../main/web/http-security';
import { parseImageAssetRequest, parseImageRoutePath } from '../../main/web/image-route';
import { inspectStudyFolder, refusalFor } from '../../main/web/study-folder';
import { useTempDirs } from '../helpers/temp-dir';

// The bridge's rules as plain functions: the cases a raw HTTP client cannot even send (no Host at all).
const tempDir = useTempDirs('dq-bridge-rules-');

describe('Host and Origin rules', () => {
  it('accepts exactly 127.0.0.1:PORT and localhost:PORT', () => {
    expect(isAllowedHost('127.0.0.1:8080', 8080)).toBe(true);
    expect(isAllowedHost('localhost:8080', 8080)).toBe(true);
    for (const host of [
      undefined,
      '',
      '127.0.0.1',
      'localhost',
      '127.0.0.1:8081',
      '[::1]:8080',
      'LOCALHOST:8080',
      'a.localhost:8080',
      '127.0.0.1:8080.evil.example',
    ]) {
      expect(isAllowedHost(host, 8080), String(host)).toBe(false);
    }
  });

  it('accepts no Origin (scripts) or our own, nothing else', () => {
    expect(isAllowedOrigin(undefined, 80)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:80', 80)).toBe(true);
    expect(isAllowedOrigin('http://localhost:80', 80)).toBe(true);
    for (const origin of ['null', 'http://127.0.0.1:81', 'https://127.0.0.1:80', 'http://evil.example', '']) {
      expect(isAllowedOrigin(origin, 80), origin).toBe(false);
    }
  });
});

describe('token handling', () => {
  it('compares tokens exactly, whatever their length', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
    expect(tokenMatches(null, 'abc')).toBe(false);
  });

  it('reads the cookie by exact name and the bearer token', () => {
    const header = 'other=1; dermaquant_token_80x=no; dermaquant_token_80=yes ; z=2';
    expect(readCookie(header, 'dermaquant_token_80')).toBe('yes');
    expect(readCookie(header, 'missing')).toBeUndefined();
    expect(readCookie(undefined, 'x')).toBeUndefined();
    expect(readBearerToken('Bearer abc-_1')).toBe('abc-_1');
    expect(readBearerToken('bearer abc')).toBe('abc');
    expect(readBearerToken('Basic abc')).toBeUndefined();
    expect(readBearerToken('Bearer a b')).toBeUndefined();
    expect(readBearerToken(undefined)).toBeUndefined();
  });
});

describe('Content-Security-Policy', () => {
  it('allows only our own scripts and styles, no plugins, no framing', () => {
    const csp = contentSecurityPolicy();
    expect(csp.split('; ')).toEqual(
      expect.arrayContaining([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
      ]),
    );
  });

  it('adds the Electron image scheme where images are loaded', () => {
    const csp = contentSecurityPolicy(['dq-image:']);
    expect(csp).toContain("img-src 'self' blob: data: dq-image:");
    expect(csp).toContain("connect-src 'self' dq-image:");
    expect(csp).toContain("script-src 'self';");
  });
});

describe('image route parsing', () => {
  it('accepts positive integer ids and known kinds only', () => {
    expect(parseImageRoutePath('/image/7/preview')).toEqual({ imageId: 7, kind: 'preview' });
    expect(parseImageRoutePath('/image/12/thumbnail')).toEqual({ imageId: 12, kind: 'thumbnail' });
    for (const [id, kind] of [
      ['0', 'preview'],
      ['-1', 'preview'],
      ['01', 'preview'],
      ['1.0', 'preview'],
      ['1e2', 'preview'],
      [' 1', 'preview'],
      ['9007199254740993', 'preview'],
      ['1', 'original'],
      ['1', 'Preview'],
      ['1', '__proto__'],
      ['..', 'preview'],
    ]) {
      expect(parseImageAssetRequest(id ?? '', kind ?? ''), `${id}/${kind}`).toBeNull();
    }
  });
});

describe('the --study folder', () => {
  it('tells a study, a new folder, an empty one, a foreign one and a file apart', async () => {
    const root = tempDir();
    expect(await inspectStudyFolder(path.join(root, 'new'))).toBe('absent');
    fs.mkdirSync(path.join(root, 'empty'));
    fs.writeFileSync(path.join(root, 'empty', '.DS_Store'), '');
    expect(await inspectStudyFolder(path.join(root, 'empty'))).toBe('empty');
    fs.mkdirSync(path.join(root, 'study'));
    fs.writeFileSync(path.join(root, 'study', 'study.sqlite'), '');
    expect(await inspectStudyFolder(path.join(root, 'study'))).toBe('study');
    fs.mkdirSync(path.join(root, 'photos'));
    fs.writeFileSync(path.join(root, 'photos', 'a.jpg'), '');
    expect(await inspectStudyFolder(path.join(root, 'photos'))).toBe('not-empty');
    expect(refusalFor('not-empty', '/x/photos')).toMatch(/\/x\/photos is not a DermaQuant study/);
    fs.writeFileSync(path.join(root, 'file'), '');
    expect(await inspectStudyFolder(path.join(root, 'file'))).toBe('not-a-folder');
    expect(refusalFor('absent', '/x')).toBeNull();
    expect(refusalFor('study', '/x')).toBeNull();
  });
});
