# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reports bucket (aged_keys_reports_bucket): site.yml makes it in the central account encrypted,
versioned, private, TLS-only and tagged, and a second run or a drift check of it changes nothing;
drift is named by --check and repaired; a bucket of that name that is not ours stops the central
account untouched; playbooks/report.yml uploads the JSON, CSV and HTML under a prefix of time and
job and publishes their keys; cleanup keeps a bucket that holds reports unless asked, and removes
every version when asked. Each result is read back with boto3."""

import json

import pytest
import readback
from botocore.exceptions import ClientError
from conftest import CENTRAL, TARGETS, converged_estate

# Its module-scoped estate keeps the module's tests on one worker, in this order.
pytestmark = pytest.mark.xdist_group("report-bucket")

BUCKET = "cloudsec-aged-keys-reports-" + CENTRAL
PLAN_TASK = "Check the account and find whether the topic or the key differ"
BUCKET_TASK = "Ensure the encrypted, versioned, private reports bucket"
PREDICTION_TASK = "Show how the reports bucket would change"
REPORT = "playbooks/report.yml"
CLEANUP = "playbooks/cleanup.yml"
JOB_ID = "4711"
SETTINGS = {"aged_keys_reports_bucket": BUCKET}


@pytest.fixture(scope="module")
def with_bucket(emulator, tmp_path_factory):
    """An estate after site.yml with a reports bucket, shared by the tests of this module, in order."""
    return converged_estate(emulator, tmp_path_factory.mktemp("report-bucket"), settings=SETTINGS)


def s3(estate):
    return estate.account(CENTRAL).client("s3")


def assert_bucket_converged(estate):
    client = s3(estate)
    [rule] = client.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    # SSE-KMS with the AWS managed key: no key id.
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms"}
    assert client.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    assert client.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    assert client.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    policy = json.loads(client.get_bucket_policy(Bucket=BUCKET)["Policy"])
    deny = readback.statement(policy, "DenyInsecureTransport")
    assert (deny["Effect"], deny["Principal"], deny["Action"], deny["Condition"]) == (
        "Deny", "*", "s3:*", {"Bool": {"aws:SecureTransport": "false"}})
    assert sorted(deny["Resource"]) == sorted(["arn:aws:s3:::" + BUCKET, "arn:aws:s3:::{0}/*".format(BUCKET)])
    tags = {tag["Key"]: tag["Value"] for tag in client.get_bucket_tagging(Bucket=BUCKET)["TagSet"]}
    assert tags == readback.ownership_tags(CENTRAL)


def central_plan(run, estate):
    [changes] = [result["changes"] for task, host, result in run.results(estate.host_name(CENTRAL)) if task == PLAN_TASK]
    return changes


def object_versions(estate):
    listed = s3(estate).list_object_versions(Bucket=BUCKET)
    return listed.get("Versions", []) + listed.get("DeleteMarkers", [])


def bucket_exists(estate):
    try:
        s3(estate).head_bucket(Bucket=BUCKET)
    except ClientError as error:
        assert error.response["Error"]["Code"] == "404"
        return False
    return True


def test_the_bucket_is_encrypted_versioned_private_tls_only_tagged_and_a_second_run_changes_nothing(with_bucket):
    assert_bucket_converged(with_bucket)
    for run in (with_bucket.run(check=True, diff=True), with_bucket.run()):
        assert run.rc == 0, run
        assert central_plan(run, with_bucket) == []
        assert run.changed_tasks() == []
        ran = {task for task, host, result in run.results(with_bucket.host_name(CENTRAL)) if not result.get("skipped")}
        assert ran & {BUCKET_TASK, PREDICTION_TASK, "Assume the execution role in the account"} == set()


def test_drift_of_the_bucket_is_found_by_the_check_and_repaired(with_bucket):
    client = s3(with_bucket)
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    client.delete_bucket_encryption(Bucket=BUCKET)
    client.delete_public_access_block(Bucket=BUCKET)

    check = with_bucket.run(check=True, diff=True, extra_vars={"aged_keys_fail_on_drift": True})
    assert check.rc != 0
    assert central_plan(check, with_bucket) == ["s3_bucket"]
    assert check.changed_tasks() == [(PREDICTION_TASK, with_bucket.host_name(CENTRAL))]
    [message] = [msg for task, host, msg in check.failures() if task.startswith("Fail every account that drifted")]
    assert "S3 bucket" in message
    [prediction] = [result["msg"] for task, host, result in check.results() if task == PREDICTION_TASK]
    assert all(setting in prediction for setting in ('"versioning"', '"encryption"', '"public_access"')), prediction
    # The check changed nothing.
    assert client.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Suspended"

    repair = with_bucket.run()
    assert repair.rc == 0, repair
    assert repair.changed_tasks() == [(BUCKET_TASK, with_bucket.host_name(CENTRAL))]
    assert_bucket_converged(with_bucket)
    assert with_bucket.run(check=True).changed_tasks() == []


def test_a_bucket_of_that_name_that_is_not_ours_stops_the_central_account_untouched(with_bucket):
    foreign = "cloudsec-aged-keys-reports-someone-else"
    client = s3(with_bucket)
    client.create_bucket(Bucket=foreign, CreateBucketConfiguration={"LocationConstraint": readback.REGION})
    client.put_bucket_tagging(Bucket=foreign, Tagging={"TagSet": [{"Key": "Team", "Value": "data"}]})

    for check in (True, False):
        run = with_bucket.run(check=check, extra_vars={"aged_keys_reports_bucket": foreign})
        assert run.rc != 0
        [(task, host, message)] = [failure for failure in run.failures() if failure[1] == with_bucket.host_name(CENTRAL)
                                   and failure[0] == "Fail the central account if it could not be set up"]
        assert "S3 bucket '{0}'".format(foreign) in message and "aged_keys_adopt" in message, message
        assert [changed for changed in run.changed_tasks() if changed[1] == with_bucket.host_name(CENTRAL)] == []
    assert {tag["Key"]: tag["Value"] for tag in client.get_bucket_tagging(Bucket=foreign)["TagSet"]} == {"Team": "data"}
    assert "Status" not in client.get_bucket_versioning(Bucket=foreign)
    with pytest.raises(ClientError):
        client.get_bucket_policy(Bucket=foreign)


def test_the_report_uploads_its_json_csv_and_html_and_publishes_their_keys(with_bucket, tmp_path):
    check = with_bucket.run(REPORT, check=True, extra_vars={"awx_job_id": JOB_ID}, env={"ANSIBLE_SHOW_CUSTOM_STATS": "true"})
    assert check.rc == 0, check
    assert object_versions(with_bucket) == []
    assert "aged_keys_report_objects" not in check.data["global_custom_stats"]

    json_path = tmp_path / "report.json"
    run = with_bucket.run(REPORT, extra_vars={"awx_job_id": JOB_ID, "aged_keys_report_path": str(json_path)},
                          env={"ANSIBLE_SHOW_CUSTOM_STATS": "true"})
    assert run.rc == 0, run
    published = run.data["global_custom_stats"]["aged_keys_report_objects"]
    assert published["bucket"] == BUCKET
    [prefix] = {key.rsplit("/", 1)[0] for key in published["keys"]}
    # YYYYMMDDTHHMMSSZ, then the job: keys sort by time and name their job.
    assert len(prefix) == len("20260101T000000Z-job-" + JOB_ID) and prefix.endswith("Z-job-" + JOB_ID) and prefix[8] == "T", prefix
    assert published["keys"] == [prefix + "/report.json", prefix + "/report.csv", prefix + "/report.html"]

    client = s3(with_bucket)
    listed = client.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert sorted(item["Key"] for item in listed) == sorted(published["keys"])
    types = {}
    for key in published["keys"]:
        got = client.get_object(Bucket=BUCKET, Key=key)
        assert got["ServerSideEncryption"] == "aws:kms"
        types[key.rsplit("/", 1)[1]] = (got["ContentType"], got["Body"].read().decode("utf-8"))
    assert types["report.json"][0] == "application/json"
    assert json.loads(types["report.json"][1]) == json.loads(json_path.read_text())
    assert types["report.csv"][0] == "text/csv" and types["report.csv"][1].startswith("account_id,")
    assert types["report.html"][0] == "text/html" and "<html" in types["report.html"][1]


def test_cleanup_keeps_the_bucket_with_reports_unless_asked_and_then_removes_every_version(with_bucket):
    assert object_versions(with_bucket), "the report test leaves reports in the bucket"
    keep = with_bucket.run(CLEANUP)
    assert keep.rc == 0, keep
    [why] = [result["msg"] for task, host, result in keep.results() if task == "Say why the reports bucket stays"]
    assert "aged_keys_cleanup_reports" in why
    assert bucket_exists(with_bucket) and object_versions(with_bucket)
    readback.assert_target_empty(with_bucket.account(TARGETS[0]))

    asked = {"aged_keys_cleanup_reports": True}
    predicted = with_bucket.run(CLEANUP, check=True, extra_vars=asked)
    assert predicted.rc == 0, predicted
    assert predicted.changed_tasks() == [("Show that the reports bucket would be removed", with_bucket.host_name(CENTRAL))]
    assert bucket_exists(with_bucket)

    # A delete marker as well: they too keep a bucket from being deleted.
    s3(with_bucket).delete_object(Bucket=BUCKET, Key=object_versions(with_bucket)[0]["Key"])
    removed = with_bucket.run(CLEANUP, extra_vars=asked)
    assert removed.rc == 0, removed
    assert removed.changed_tasks() == [("Remove the reports bucket", with_bucket.host_name(CENTRAL))]
    assert not bucket_exists(with_bucket)
    again = with_bucket.run(CLEANUP, extra_vars=asked)
    assert again.rc == 0 and again.changed_tasks() == [], again


def test_an_empty_bucket_is_removed_by_cleanup_without_asking(emulator, tmp_path):
    estate = converged_estate(emulator, tmp_path, settings=SETTINGS)
    assert bucket_exists(estate) and object_versions(estate) == []
    predicted = estate.run(CLEANUP, check=True).changed_tasks()
    assert predicted.count(("Show that the reports bucket would be removed", estate.host_name(CENTRAL))) == 1
    run = estate.run(CLEANUP)
    assert run.rc == 0, run
    assert not bucket_exists(estate)
