import { type Case, KEY, res, set, without } from "./fixture-kit";

const endpointConfig = res("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "ec", {
  kmsKeyArn: KEY,
  productionVariants: [{ variantName: "AllTraffic", instanceType: "ml.m5.large", initialInstanceCount: 2 }],
  dataCaptureConfig: { enableCapture: true, initialSamplingPercentage: 20, kmsKeyId: KEY },
});
const endpoint = res("aws:sagemaker/endpoint:Endpoint", "ep", {
  name: "prod-ep",
  deploymentConfig: {
    blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: "CANARY", waitIntervalInSeconds: 300 } },
    autoRollbackConfiguration: { alarms: [{ alarmName: "a" }] },
  },
});
const jobDefinition = res("aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition", "dq", {
  name: "prod-ep-data-quality-job",
  dataQualityJobInput: { endpointInput: { endpointName: "prod-ep" } },
  dataQualityJobOutputConfig: { kmsKeyId: KEY },
  jobResources: { clusterConfig: { volumeKmsKeyId: KEY } },
  networkConfig: { enableInterContainerTrafficEncryption: true },
});
const schedule = res("aws:sagemaker/monitoringSchedule:MonitoringSchedule", "sch", {
  monitoringScheduleConfig: { monitoringJobDefinitionName: "prod-ep-data-quality-job" },
});
const runtimeEndpoint = res("aws:ec2/vpcEndpoint:VpcEndpoint", "vpce", {
  serviceName: "com.amazonaws.us-west-2.sagemaker.runtime",
  vpcEndpointType: "Interface",
  privateDnsEnabled: true,
  policy: JSON.stringify({
    Statement: [
      {
        Effect: "Allow",
        Principal: "*",
        Action: "sagemaker:InvokeEndpoint",
        Resource: ["arn:aws:sagemaker:us-west-2:123456789012:endpoint/prod-ep"],
      },
    ],
  }),
});
const fn = res("aws:lambda/function:Function", "fn", {
  runtime: "nodejs22.x",
  tracingConfig: { mode: "Active" },
  reservedConcurrentExecutions: 5,
  kmsKeyArn: KEY,
  environment: { variables: { ENDPOINT_NAME: "prod-ep" } },
  vpcConfig: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
});
const EC = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const FN = "aws:lambda/function:Function";

/** The mlops-ml-endpoints rules. */
export const ML_ENDPOINT_CASES: Record<string, Case> = {
  "mlops-sagemaker-endpoint-config-kms": {
    compliant: [endpointConfig],
    breaks: [
      [
        "no kmsKeyArn",
        set(EC, ["kmsKeyArn"], undefined),
        ["The endpoint configuration has no kmsKeyArn: its volumes are not encrypted with a customer key."],
      ],
    ],
  },
  "mlops-sagemaker-endpoint-config-data-capture": {
    compliant: [endpointConfig],
    breaks: [
      [
        "capture off",
        set(EC, ["dataCaptureConfig", "enableCapture"], false),
        ["Data capture is off: Model Monitor has nothing to compare with the baseline."],
      ],
      [
        "sampling 5%",
        set(EC, ["dataCaptureConfig", "initialSamplingPercentage"], 5),
        ["Data capture samples 5% of requests; at least 10% is required."],
      ],
      [
        "capture unencrypted",
        set(EC, ["dataCaptureConfig", "kmsKeyId"], undefined),
        ["Captured data is not encrypted with a customer key (dataCaptureConfig.kmsKeyId)."],
      ],
    ],
  },
  "mlops-sagemaker-endpoint-config-instance-types": {
    compliant: [endpointConfig],
    breaks: [
      [
        "p4d instance",
        set(EC, ["productionVariants", "0", "instanceType"], "ml.p4d.24xlarge"),
        [
          "Variant AllTraffic uses ml.p4d.24xlarge, which is not in the allowed list (ml.t2.medium, ml.m5.large, ml.m5.xlarge, ml.m5.2xlarge, ml.c5.large, ml.c5.xlarge, ml.c5.2xlarge).",
        ],
      ],
    ],
  },
  "mlops-sagemaker-endpoint-config-min-instances": {
    compliant: [endpointConfig],
    breaks: [
      [
        "one instance",
        set(EC, ["productionVariants", "0", "initialInstanceCount"], 1),
        ["Variant AllTraffic starts with 1 instance(s); at least 2 are required."],
      ],
    ],
  },
  "mlops-sagemaker-endpoint-safe-rollout": {
    compliant: [endpoint],
    breaks: [
      [
        "no blue/green",
        set("aws:sagemaker/endpoint:Endpoint", ["deploymentConfig"], undefined),
        ["The endpoint has no blue/green deployment policy: an update replaces all traffic at once."],
      ],
      [
        "no rollback alarms",
        set(
          "aws:sagemaker/endpoint:Endpoint",
          ["deploymentConfig", "autoRollbackConfiguration", "alarms"],
          [],
        ),
        ["No alarms roll the deployment back automatically."],
      ],
      [
        "all at once",
        set(
          "aws:sagemaker/endpoint:Endpoint",
          ["deploymentConfig", "blueGreenUpdatePolicy", "trafficRoutingConfiguration", "type"],
          "ALL_AT_ONCE",
        ),
        ["Traffic shifts ALL_AT_ONCE; use CANARY or LINEAR."],
      ],
    ],
  },
  "mlops-sagemaker-model-network-isolation": {
    compliant: [res("aws:sagemaker/model:Model", "m", { enableNetworkIsolation: true })],
    breaks: [
      [
        "isolation off",
        set("aws:sagemaker/model:Model", ["enableNetworkIsolation"], false),
        ["The model's container is not network-isolated."],
      ],
    ],
  },
  "mlops-sagemaker-model-in-vpc": {
    compliant: [
      runtimeEndpoint,
      res("aws:sagemaker/model:Model", "m", {
        vpcConfig: { subnets: ["subnet-1"], securityGroupIds: ["sg-1"] },
      }),
    ],
    breaks: [
      [
        "model outside the VPC",
        set("aws:sagemaker/model:Model", ["vpcConfig"], undefined),
        ["Model m is not in the VPC."],
      ],
    ],
  },
  "mlops-sagemaker-endpoint-monitored": {
    compliant: [endpoint, jobDefinition, schedule],
    breaks: [
      [
        "no schedule",
        without("aws:sagemaker/monitoringSchedule:MonitoringSchedule"),
        ["Endpoint prod-ep has no monitoring schedule."],
      ],
      [
        "job reads another endpoint",
        set(
          "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
          ["dataQualityJobInput", "endpointInput", "endpointName"],
          "other",
        ),
        ["Endpoint prod-ep has no monitoring schedule."],
      ],
    ],
  },
  "mlops-sagemaker-monitoring-job-encrypted": {
    compliant: [jobDefinition],
    breaks: [
      [
        "output unencrypted",
        set(
          "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
          ["dataQualityJobOutputConfig", "kmsKeyId"],
          undefined,
        ),
        ["Monitoring output is not encrypted with a customer key."],
      ],
      [
        "inter-container traffic in clear",
        set(
          "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
          ["networkConfig", "enableInterContainerTrafficEncryption"],
          false,
        ),
        ["Traffic between monitoring containers is not encrypted."],
      ],
    ],
  },
  "mlops-sagemaker-model-current-image": {
    compliant: [
      res("aws:sagemaker/model:Model", "m", {
        primaryContainer: { image: "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1" },
      }),
    ],
    breaks: [
      [
        "xgboost:1",
        set(
          "aws:sagemaker/model:Model",
          ["primaryContainer", "image"],
          "433757028032.dkr.ecr.us-west-2.amazonaws.com/xgboost:1",
        ),
        ["The model serves the deprecated image 433757028032.dkr.ecr.us-west-2.amazonaws.com/xgboost:1."],
      ],
    ],
  },
  "mlops-lambda-function-in-vpc": {
    compliant: [runtimeEndpoint, fn],
    breaks: [
      [
        "caller outside the VPC",
        set(FN, ["vpcConfig"], undefined),
        ["Function fn calls endpoint prod-ep from outside the VPC."],
      ],
    ],
  },
  "mlops-ec2-vpc-endpoint-private-dns": {
    compliant: [runtimeEndpoint],
    breaks: [
      [
        "private DNS off",
        set("aws:ec2/vpcEndpoint:VpcEndpoint", ["privateDnsEnabled"], false),
        ["Interface endpoint for com.amazonaws.us-west-2.sagemaker.runtime has private DNS off."],
      ],
    ],
  },
  "mlops-ec2-vpc-endpoint-policy-scoped": {
    compliant: [runtimeEndpoint],
    breaks: [
      [
        "no policy",
        set("aws:ec2/vpcEndpoint:VpcEndpoint", ["policy"], undefined),
        ["The interface endpoint has no policy: every action on every resource is allowed."],
      ],
      [
        "* on *",
        set(
          "aws:ec2/vpcEndpoint:VpcEndpoint",
          ["policy"],
          JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] }),
        ),
        ["The endpoint policy allows every action on every resource."],
      ],
    ],
  },
  "mlops-ec2-security-group-no-open-ingress": {
    compliant: [
      res("aws:ec2/securityGroup:SecurityGroup", "sg", { ingress: [{ cidrBlocks: ["10.0.0.0/16"] }] }),
    ],
    breaks: [
      [
        "0.0.0.0/0",
        set("aws:ec2/securityGroup:SecurityGroup", ["ingress", "0", "cidrBlocks"], ["0.0.0.0/0"]),
        ["Security group sg allows ingress from anywhere."],
      ],
      [
        "::/0",
        set("aws:ec2/securityGroup:SecurityGroup", ["ingress", "0", "ipv6CidrBlocks"], ["::/0"]),
        ["Security group sg allows ingress from anywhere."],
      ],
    ],
  },
};
