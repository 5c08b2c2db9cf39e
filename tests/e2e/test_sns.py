"""The `sns` seed kind end to end on the moto stand-in (the built-in `aws` profile with its `sns`
overlay), checked with the AWS CLI: the topic with its attributes and tags, the subscription of
an SQS queue of the same seed with raw message delivery and a filter policy, a published message
arriving in the queue as its raw body (and a filtered one not arriving), a second seed
unchanged, drift corrected, and a reset back to the seeded state."""
import json
import time

from test_lifecycle import aws
from test_seed import outcomes, seed_json, up_seeded

TOPIC = "acme-order-events"
QUEUE = "orders-events"


def topic_arn(p):
    arns = [t["TopicArn"] for t in json.loads(aws(p, "sns", "list-topics"))["Topics"]]
    mine = [a for a in arns if a.endswith(":" + TOPIC)]
    assert len(mine) == 1, arns
    return mine[0]


def subscriptions(p, arn):
    return json.loads(aws(p, "sns", "list-subscriptions-by-topic", "--topic-arn", arn))["Subscriptions"]


def receive_all(p, url, wait_s=3):
    got = json.loads(aws(p, "sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10",
                         "--wait-time-seconds", str(wait_s), "--message-attribute-names", "All") or "{}")
    return got.get("Messages", [])


def publish(p, arn, body, type_):
    attrs = json.dumps({"type": {"DataType": "String", "StringValue": type_}})
    aws(p, "sns", "publish", "--topic-arn", arn, "--message", body, "--message-attributes", attrs)


def test_sns_topics_and_raw_subscriptions_on_moto(make_env):
    e = make_env("aws")
    r = up_seeded(e, "aws", "--overlay", "sns")
    assert r.code == 0, r
    p = e.ports["aws"]

    arn = topic_arn(p)
    attrs = json.loads(aws(p, "sns", "get-topic-attributes", "--topic-arn", arn))["Attributes"]
    assert attrs["DisplayName"] == "Acme order events"
    tags = json.loads(aws(p, "sns", "list-tags-for-resource", "--resource-arn", arn))["Tags"]
    assert {"Key": "team", "Value": "orders"} in tags

    queue_url = json.loads(aws(p, "sqs", "get-queue-url", "--queue-name", QUEUE))["QueueUrl"]
    queue_arn = json.loads(aws(p, "sqs", "get-queue-attributes", "--queue-url", queue_url,
                               "--attribute-names", "QueueArn"))["Attributes"]["QueueArn"]
    subs = subscriptions(p, arn)
    assert [(s["Protocol"], s["Endpoint"]) for s in subs] == [("sqs", queue_arn)]
    sub_attrs = json.loads(aws(p, "sns", "get-subscription-attributes", "--subscription-arn",
                               subs[0]["SubscriptionArn"]))["Attributes"]
    assert sub_attrs["RawMessageDelivery"] == "true"
    assert json.loads(sub_attrs["FilterPolicy"]) == {"type": ["order.created", "order.paid"]}

    # Raw delivery: the queue holds the published body itself, not an SNS envelope; the filter
    # policy keeps other types out.
    publish(p, arn, '{"orderId": "o-1"}', "order.created")
    publish(p, arn, '{"orderId": "o-2"}', "order.shipped")
    deadline = time.time() + 20
    bodies = []
    while time.time() < deadline and not bodies:
        bodies = [m["Body"] for m in receive_all(p, queue_url)]
    assert bodies == ['{"orderId": "o-1"}'], bodies

    # The topic's ARN is exported.
    env_out = e.devenv("env", "--format", "json")
    assert env_out.code == 0, env_out
    assert json.loads(env_out.out)["variables"]["SNS_TOPIC_ARN_ACME_ORDER_EVENTS"] == arn

    # A second seed changes nothing.
    r, doc = seed_json(e, "seed")
    assert r.code == 0, r
    sns = {k: v for k, v in outcomes(doc, "aws").items() if k[0] == "sns"}
    assert sns == {("sns", f"topic {TOPIC}"): "unchanged",
                   ("sns", f"subscription {TOPIC} -> {QUEUE}"): "unchanged"}, sns

    # Drift: raw delivery switched off and the display name changed by hand; the seed puts both back.
    aws(p, "sns", "set-subscription-attributes", "--subscription-arn", subs[0]["SubscriptionArn"],
        "--attribute-name", "RawMessageDelivery", "--attribute-value", "false")
    aws(p, "sns", "set-topic-attributes", "--topic-arn", arn, "--attribute-name", "DisplayName",
        "--attribute-value", "changed")
    r, doc = seed_json(e, "seed")
    assert r.code == 0, r
    sns = {k: v for k, v in outcomes(doc, "aws").items() if k[0] == "sns"}
    assert sns == {("sns", f"topic {TOPIC}"): "updated",
                   ("sns", f"subscription {TOPIC} -> {QUEUE}"): "updated"}, sns
    sub_attrs = json.loads(aws(p, "sns", "get-subscription-attributes", "--subscription-arn",
                               subs[0]["SubscriptionArn"]))["Attributes"]
    assert sub_attrs["RawMessageDelivery"] == "true"

    # Reset: an application topic goes, the seeded topic and its subscription are back.
    aws(p, "sns", "create-topic", "--name", "app-made")
    r = e.devenv("reset")
    assert r.code == 0, r
    names = [t["TopicArn"].rsplit(":", 1)[1] for t in json.loads(aws(p, "sns", "list-topics"))["Topics"]]
    assert names == [TOPIC], names
    assert len(subscriptions(p, topic_arn(p))) == 1


def test_sns_subscription_to_an_undeclared_queue_is_a_profile_error(make_env):
    e = make_env("aws")
    r = e.devenv("config", "aws", *e.base_args, "--overlay", "sns",
                 "--set", "seed.aws.sns.topics[0].subscriptions[0].queue=orders-event")
    assert r.code == 2, r
    assert "unknown queue 'orders-event'" in r.err and "did you mean 'orders-events'?" in r.err, r
