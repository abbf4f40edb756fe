"""Seed a fictional company's AWS estate (compliant and non-compliant resources).

Brauwerk Digital GmbH runs its shop in eu-central-1, keeps backups in
eu-west-1, and has a few things in us-east-1 that should not be there.
Works against moto in-process (``mock_aws``) or a moto server.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

ACCOUNT = "123456789012"
REGIONS = ("eu-central-1", "eu-west-1", "us-east-1")

_TLS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::{b}", "arn:aws:s3:::{b}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ],
}


def _client(service: str, region: str) -> Any:
    return boto3.client(service, region_name=region)


def seed_estate() -> dict[str, Any]:
    """Create the estate; returns the names of what was made (for tests)."""
    made: dict[str, Any] = {}
    made["buckets"] = _buckets()
    made["volumes"] = _ec2()
    made["databases"] = _rds()
    made["users"] = _iam()
    _security()
    _data_services()
    _log_groups()
    return made


def _buckets() -> list[str]:
    s3 = _client("s3", "eu-central-1")
    good = "brauwerk-customer-data"
    s3.create_bucket(Bucket=good, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    s3.put_bucket_encryption(
        Bucket=good,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": "alias/brauwerk-data",
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=good,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_versioning(Bucket=good, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_policy(Bucket=good, Policy=json.dumps(_TLS_ONLY).replace("{b}", good))
    logs = "brauwerk-access-logs"
    s3.create_bucket(Bucket=logs, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    s3.put_bucket_acl(Bucket=logs, ACL="log-delivery-write")
    s3.put_bucket_logging(
        Bucket=good,
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": logs, "TargetPrefix": "customer-data/"}
        },
    )
    # Storage limitation: invoices ten years (§ 147 AO), replaced versions 30 days, access
    # logs two years. The other buckets keep everything until someone deletes it.
    _expire(s3, good, 3650, noncurrent=30)
    _expire(s3, logs, 730)
    backup = "brauwerk-backup-eu-west-1"
    _client("s3", "eu-west-1").create_bucket(
        Bucket=backup, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    marketing = "brauwerk-campaign-assets"
    us = _client("s3", "us-east-1")
    us.create_bucket(Bucket=marketing)
    us.put_bucket_acl(Bucket=marketing, ACL="public-read")
    return [good, logs, backup, marketing]


def _expire(s3: Any, bucket: str, days: int, noncurrent: int | None = None) -> None:
    rule: dict[str, Any] = {
        "ID": f"expire-after-{days}-days",
        "Status": "Enabled",
        "Filter": {},
        "Expiration": {"Days": days},
    }
    if noncurrent is not None:
        rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": noncurrent}
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})


def _ec2() -> list[str]:
    made = []
    for region, encrypted in (
        ("eu-central-1", True),
        ("eu-central-1", False),
        ("us-east-1", False),
    ):
        ec2 = _client("ec2", region)
        v = ec2.create_volume(
            AvailabilityZone=f"{region}a",
            Size=20,
            Encrypted=encrypted,
            TagSpecifications=[
                {
                    "ResourceType": "volume",
                    "Tags": [{"Key": "Name", "Value": f"shop-{'enc' if encrypted else 'plain'}"}],
                }
            ],
        )
        made.append(v["VolumeId"])
    ec2 = _client("ec2", "eu-central-1")
    ec2.enable_ebs_encryption_by_default()
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "shop-vpc"}])
    sg = ec2.create_security_group(GroupName="bastion", Description="ssh", VpcId=vpc)
    ec2.authorize_security_group_ingress(
        GroupId=sg["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    web = ec2.create_security_group(GroupName="web", Description="https", VpcId=vpc)
    ec2.authorize_security_group_ingress(
        GroupId=web["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    ami = ec2.register_image(
        Name="brauwerk-base", RootDeviceName="/dev/xvda", VirtualizationType="hvm"
    )["ImageId"]
    ec2.run_instances(
        ImageId=ami,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": "required"},
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "shop-app"}]}
        ],
    )
    ec2.run_instances(
        ImageId=ami,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": "optional"},
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "legacy-cron"}]}
        ],
    )
    ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::brauwerk-access-logs",
    )
    return made


def _rds() -> list[str]:
    rds = _client("rds", "eu-central-1")
    rds.create_db_instance(
        DBInstanceIdentifier="shop-orders",
        Engine="postgres",
        DBInstanceClass="db.t4g.medium",
        AllocatedStorage=50,
        MasterUsername="shop",
        MasterUserPassword="not-a-real-secret-1",
        StorageEncrypted=True,
        PubliclyAccessible=False,
        BackupRetentionPeriod=14,
        DeletionProtection=True,
        MultiAZ=True,
    )
    rds.create_db_instance(
        DBInstanceIdentifier="reporting",
        Engine="mysql",
        DBInstanceClass="db.t4g.small",
        AllocatedStorage=20,
        MasterUsername="report",
        MasterUserPassword="not-a-real-secret-2",
        StorageEncrypted=False,
        PubliclyAccessible=True,
        BackupRetentionPeriod=1,
    )
    return ["shop-orders", "reporting"]


def _iam() -> list[str]:
    iam = _client("iam", "us-east-1")
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=False)
    iam.create_user(UserName="anna.schmidt")
    iam.create_login_profile(UserName="anna.schmidt", Password="Initial-Passw0rd!")
    iam.create_user(UserName="ci-deployer")
    iam.create_access_key(UserName="ci-deployer")
    admin = iam.create_policy(
        PolicyName="break-glass-admin",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
    )
    iam.attach_user_policy(UserName="ci-deployer", PolicyArn=admin["Policy"]["Arn"])
    iam.create_policy(
        PolicyName="read-orders",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "dynamodb:GetItem",
                        "Resource": f"arn:aws:dynamodb:eu-central-1:{ACCOUNT}:table/orders",
                    }
                ],
            }
        ),
    )
    return ["anna.schmidt", "ci-deployer"]


def _security() -> None:
    kms = _client("kms", "eu-central-1")
    key = kms.create_key(Description="brauwerk data")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key)
    kms.create_alias(AliasName="alias/brauwerk-data", TargetKeyId=key)
    legacy = kms.create_key(Description="legacy, not rotated")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/legacy-exports", TargetKeyId=legacy)
    ct = _client("cloudtrail", "eu-central-1")
    ct.create_trail(
        Name="org-trail",
        S3BucketName="brauwerk-access-logs",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
    )
    ct.start_logging(Name="org-trail")
    _client("guardduty", "eu-central-1").create_detector(Enable=True)
    sm = _client("secretsmanager", "eu-central-1")
    sm.create_secret(Name="shop/db", SecretString="never-read-by-govscan")


def _data_services() -> None:
    ddb = _client("dynamodb", "eu-central-1")
    ddb.create_table(
        TableName="orders",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    )
    ddb.update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    ddb.create_table(
        TableName="sessions",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    )
    lam_role = _client("iam", "us-east-1").create_role(
        RoleName="shop-lambda",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                    }
                ],
            }
        ),
    )
    lam = _client("lambda", "eu-central-1")
    lam.create_function(
        FunctionName="invoice-mailer",
        Runtime="python3.8",
        Role=lam_role["Role"]["Arn"],
        Handler="app.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
        Environment={
            "Variables": {
                "SMTP_PASSWORD": "hunter2-demo-value",
                "SMTP_HOST": "mail.brauwerk.example",
            }
        },
    )
    _client("sqs", "eu-central-1").create_queue(
        QueueName="orders-events", Attributes={"KmsMasterKeyId": "alias/aws/sqs"}
    )
    _client("sqs", "eu-central-1").create_queue(QueueName="legacy-events")
    _client("sns", "eu-central-1").create_topic(Name="alerts")
    ecr = _client("ecr", "eu-central-1")
    ecr.create_repository(
        repositoryName="shop",
        imageScanningConfiguration={"scanOnPush": True},
        imageTagMutability="IMMUTABLE",
    )
    ecr.create_repository(repositoryName="sandbox")
    efs = _client("efs", "eu-central-1")
    efs.create_file_system(
        CreationToken="shared", Encrypted=True, Tags=[{"Key": "Name", "Value": "shared-uploads"}]
    )


def _log_groups() -> None:
    logs = _client("logs", "eu-central-1")
    logs.create_log_group(logGroupName="/brauwerk/shop")
    logs.put_retention_policy(logGroupName="/brauwerk/shop", retentionInDays=365)
    # Made by Lambda on the first invocation, without a retention: kept forever.
    logs.create_log_group(logGroupName="/aws/lambda/invoice-mailer")
