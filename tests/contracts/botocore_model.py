"""Prints AWS API models (from botocore, the data AWS's own CLI and SDK use) as JSON for the contract tests.

Usage: botocore_model.py '{"sagemaker": ["CreateTrainingJob", ...], "glue": ["StartJobRun"]}'

Output: {"<service>": {"metadata": {...}, "operations": {"<Op>": {"input", "output", "errors"}},
"shapes": {"<Shape>": {"type", "members", "required", "member", "key", "value", "enum", "min", "max"}}}}
Only the shapes the named operations reach are printed.
"""

import json
import sys

import botocore
import botocore.session


def describe(shape):
    entry = {"type": shape.type_name}
    if shape.type_name == "structure":
        entry["members"] = {name: member.name for name, member in shape.members.items()}
        entry["required"] = list(shape.required_members)
        entry["error"] = bool(shape.metadata.get("exception"))
    elif shape.type_name == "list":
        entry["member"] = shape.member.name
    elif shape.type_name == "map":
        entry["key"] = shape.key.name
        entry["value"] = shape.value.name
    if getattr(shape, "enum", None):
        entry["enum"] = list(shape.enum)
    for bound in ("min", "max", "pattern"):
        if bound in shape.metadata:
            entry[bound] = shape.metadata[bound]
    return entry


def children(shape):
    if shape.type_name == "structure":
        return list(shape.members.values())
    if shape.type_name == "list":
        return [shape.member]
    if shape.type_name == "map":
        return [shape.key, shape.value]
    return []


def export(session, service, operations):
    model = session.get_service_model(service)
    shapes = {}
    pending = []
    described = {}
    for name in operations:
        operation = model.operation_model(name)
        described[name] = {
            "input": operation.input_shape.name if operation.input_shape else None,
            "output": operation.output_shape.name if operation.output_shape else None,
            "errors": [error.name for error in operation.error_shapes],
        }
        pending += [s for s in (operation.input_shape, operation.output_shape) if s is not None]
        pending += list(operation.error_shapes)
    while pending:
        shape = pending.pop()
        if shape.name in shapes:
            continue
        shapes[shape.name] = describe(shape)
        pending += children(shape)
    return {"metadata": dict(model.metadata), "operations": described, "shapes": shapes}


def main():
    request = json.loads(sys.argv[1])
    session = botocore.session.get_session()
    result = {service: export(session, service, ops) for service, ops in request.items()}
    result["__botocore__"] = botocore.__version__
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
