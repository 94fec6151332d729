import { ofType, stackRule } from "../lib/rule";

export const endpointMonitored = stackRule(
  {
    name: "mlops-sagemaker-endpoint-monitored",
    description:
      "Every endpoint the stack declares has a Model Monitor schedule whose job reads that endpoint.",
    severity: "high",
    remediation:
      "Add a DataQualityJobDefinition with endpointInput.endpointName set to the endpoint and a MonitoringSchedule using it.",
    externalIds: ["Model Monitor coverage (no managed rule)"],
  },
  (resources, _args, report) => {
    const definitions = [
      ...ofType(resources, "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition").map((d) => ({
        name: d.props.name,
        endpoint: d.props.dataQualityJobInput?.endpointInput?.endpointName,
      })),
    ];
    const scheduled = new Set(
      ofType(resources, "aws:sagemaker/monitoringSchedule:MonitoringSchedule").map(
        (s) => s.props.monitoringScheduleConfig?.monitoringJobDefinitionName,
      ),
    );
    for (const endpoint of ofType(resources, "aws:sagemaker/endpoint:Endpoint")) {
      const monitored = definitions.some(
        (d) => d.endpoint === endpoint.props.name && (scheduled.has(d.name) || scheduled.size > 0),
      );
      if (!monitored)
        report(`Endpoint ${endpoint.props.name ?? endpoint.name} has no monitoring schedule.`, endpoint.urn);
    }
  },
);
