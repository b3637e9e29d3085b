// Starts `sansho serve --demo` on a free loopback port with its database in a fresh temporary
// folder, and reads the address and the one-time setup token from what it prints on stderr.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The binary under test: $SANSHO_BIN, else the debug build in the cargo target folder. */
export function sanshoBin() {
  if (process.env.SANSHO_BIN) return resolve(process.env.SANSHO_BIN);
  const target = process.env.CARGO_TARGET_DIR ? resolve(REPO, process.env.CARGO_TARGET_DIR) : join(REPO, 'target');
  return join(target, 'debug', 'sansho');
}

const LISTENING = /起動しました: (http:\/\/\S+?)\/?\r?\n/;
const SETUP = /セットアップトークン: (\S+)\r?\n/;

export async function startServer({ timeoutMs = 60_000 } = {}) {
  const bin = sanshoBin();
  if (!existsSync(bin)) {
    throw new Error(`${bin} does not exist: run \`cargo build -p sansho\` first (or set SANSHO_BIN)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'sansho-e2e-'));
  mkdirSync(join(dir, 'config'));
  // Nothing from the developer's own setup: no SANSHO_* variables, no config file (the working
  // folder and the config folder are both empty), Japanese messages.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SANSHO_')));
  Object.assign(env, { SANSHO_DB: join(dir, 'sansho.db'), SANSHO_LANG: 'ja', XDG_CONFIG_HOME: join(dir, 'config') });
  const child = spawn(bin, ['serve', '--demo', '--listen', '127.0.0.1:0'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  // A test run that ends early (an uncaught error, Ctrl-C, a CI timeout) must not leave the server
  // behind.
  const killOnExit = () => child.kill('SIGKILL');
  const killOnSignal = (signal) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    process.kill(process.pid, signal);
  };
  process.on('exit', killOnExit);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, killOnSignal);

  const stop = async () => {
    process.off('exit', killOnExit);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(signal, killOnSignal);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const { url, token } = await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no setup token within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
      const check = () => {
        const listening = stderr.match(LISTENING);
        const setup = stderr.match(SETUP);
        if (listening && setup) {
          clearTimeout(timer);
          ok({ url: listening[1], token: setup[1] });
        }
      };
      child.stderr.on('data', check);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`sansho serve exited (${code ?? signal}) before it was ready:\n${stdout}${stderr}`));
      });
      check();
    });
    return { url, token, dir, stop, output: () => stdout + stderr };
  } catch (e) {
    await stop();
    throw e;
  }
}
