import { formatReport, runDemo } from '../stack/demo';

const main = async (): Promise<void> => {
  console.log('Enterprise Agents: one Jira ticket end to end on the local stack (no AWS, no network)\n');
  const report = await runDemo((line) => console.log(`  · ${line}`));
  console.log(formatReport(report));
  if (report.task.status !== 'COMPLETED') {
    console.error(`\nThe demo task ended ${report.task.status}, not COMPLETED.`);
    process.exitCode = 1;
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
