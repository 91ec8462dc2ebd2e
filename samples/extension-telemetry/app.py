import json

EVENTS = "/tmp/telemetry-events.jsonl"


def handler(event, context):
    """Answers with what the telemetry-recorder extension has written so far (one JSON object per line)."""
    try:
        with open(EVENTS, encoding="utf-8") as f:
            events = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        events = []
    return {"message": "Hello from a function with an extension", "extensionEvents": events}
