export { lambdaSecretStore, secretLoader } from '../lambda/secrets';
export { EnvSecretStore, type SecretStore, SecretsManagerStore } from './secret-store';
