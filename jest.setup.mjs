// aws-local-stepfunctions calls Promise.withResolvers (Node 22+); we develop on Node 20.
Promise.withResolvers ??= function withResolvers() {
  let resolve;
  let reject;
  const promise = new this((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.LOG_LEVEL ??= 'silent';
