// Real Terraform, offline: a module of variables.tf plus locals-only blocks of the
// configuration (and stand-ins for the few names that come from data sources or
// resources) needs no provider, so `terraform apply` evaluates the locals exactly
// as a real plan would. Outputs come back as JSON.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terraformDir } from './terraform-config';

export const terraformEnv = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1' };
export const hasTerraform = spawnSync('terraform', ['version'], { env: terraformEnv }).status === 0;

/** The values of the four variables without defaults. */
export const REQUIRED_VARIABLES = {
  github_org: 'acme',
  jira_base_url: 'https://acme.atlassian.net',
  sentry_org: 'acme',
  slack_default_channel: 'C0123456789',
} as const;

/** Every top-level `locals { ... }` block of a .tf file (the project's format: `}` alone at column 0 closes it). */
export const localsBlocks = (file: string): string[] =>
  [...readFileSync(join(terraformDir, file), 'utf8').matchAll(/^locals \{[\s\S]*?^\}$/gm)].map((m) => m[0]);

/** The one locals block of a file that declares `name`. */
export const localsBlockDeclaring = (file: string, name: string): string => {
  const block = localsBlocks(file).find((text) => new RegExp(`^\\s+${name}\\s*=`, 'm').test(text));
  if (block === undefined) throw new Error(`${file} has no locals block declaring ${name}`);
  // Paths relative to the module must still find the agents' files and schemas.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform expression, not a JS template.
  return block.replaceAll('${path.module}', terraformDir);
};

/**
 * A throw-away root module: variables.tf, the given HCL parts and an output per
 * expression. `evaluate` applies it with the given variables and returns the outputs.
 */
export class LocalsModule {
  private readonly dir: string;

  constructor(parts: readonly string[], outputs: Record<string, string>) {
    this.dir = mkdtempSync(join(tmpdir(), 'tf-locals-'));
    copyFileSync(join(terraformDir, 'variables.tf'), join(this.dir, 'variables.tf'));
    writeFileSync(join(this.dir, 'parts.tf'), `${parts.join('\n\n')}\n`);
    writeFileSync(
      join(this.dir, 'outputs.tf'),
      Object.entries(outputs)
        .map(
          ([name, expression]) => `output "${name}" {\n  value     = ${expression}\n  sensitive = true\n}\n`,
        )
        .join('\n'),
    );
    const init = spawnSync('terraform', ['init', '-input=false', '-no-color'], {
      cwd: this.dir,
      env: terraformEnv,
      encoding: 'utf8',
    });
    if (init.status !== 0) throw new Error(init.stderr);
  }

  /** Applies with the required variables plus `vars` (any JSON value) and returns every output. */
  evaluate(vars: Record<string, unknown> = {}): Record<string, unknown> {
    writeFileSync(
      join(this.dir, 'test.auto.tfvars.json'),
      JSON.stringify({ ...REQUIRED_VARIABLES, ...vars }),
    );
    rmSync(join(this.dir, 'terraform.tfstate'), { force: true });
    const apply = spawnSync('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], {
      cwd: this.dir,
      env: terraformEnv,
      encoding: 'utf8',
    });
    if (apply.status !== 0) throw new Error(`terraform apply failed:\n${apply.stdout}${apply.stderr}`);
    const outputs = JSON.parse(
      spawnSync('terraform', ['output', '-json'], { cwd: this.dir, env: terraformEnv, encoding: 'utf8' })
        .stdout,
    ) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(outputs).map(([name, { value }]) => [name, value]));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
