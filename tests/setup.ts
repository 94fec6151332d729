// Test-process defaults: handlers log nothing and SDK clients have a region without any AWS setup.
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.AWS_REGION ??= "us-west-2";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
