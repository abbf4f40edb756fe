"""Resources on top of the demo estate so that every AWS control has a passing and a
failing example, plus a second account (reached by assuming a role) for account-level
settings."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

R = "eu-central-1"
SECOND_ACCOUNT = "210987654321"


def c(service: str, region: str = R, session: Any = None) -> Any:
    return (session or boto3).client(service, region_name=region)


def _cert(days: int, name: str) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return (
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def seed_extra() -> None:
    s3 = c("s3")
    s3.create_bucket(Bucket="x-public-policy", CreateBucketConfiguration={"LocationConstraint": R})
    s3.put_bucket_policy(
        Bucket="x-public-policy",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::x-public-policy/*",
                    }
                ],
            }
        ),
    )
    s3.create_bucket(
        Bucket="x-locked",
        CreateBucketConfiguration={"LocationConstraint": R},
        ObjectLockEnabledForBucket=True,
    )
    s3.put_bucket_versioning(
        Bucket="x-locked",
        MFA="arn:aws:iam::123456789012:mfa/root 123456",
        VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"},
    )
    s3.create_bucket(Bucket="x-sse-s3", CreateBucketConfiguration={"LocationConstraint": R})
    s3.put_bucket_encryption(
        Bucket="x-sse-s3",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )

    ec2 = c("ec2")
    vpc = ec2.create_vpc(
        CidrBlock="10.20.0.0/16",
        TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "x-private-net"}]}
        ],
    )["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    ami = ec2.register_image(
        Name="brauwerk-base", RootDeviceName="/dev/xvda", VirtualizationType="hvm"
    )["ImageId"]
    iam = c("iam", "us-east-1")
    iam.create_role(
        RoleName="x-ec2",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                    }
                ],
            }
        ),
    )
    iam.create_instance_profile(InstanceProfileName="x-ec2")
    iam.add_role_to_instance_profile(InstanceProfileName="x-ec2", RoleName="x-ec2")
    ec2.run_instances(
        ImageId=ami,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        IamInstanceProfile={"Name": "x-ec2"},
        MetadataOptions={"HttpTokens": "required"},
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "x-private"}]}
        ],
    )
    for name, proto, port in (
        ("x-rdp", "tcp", 3389),
        ("x-postgres", "tcp", 5432),
        ("x-everything", "-1", None),
    ):
        g = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        perm: dict[str, Any] = {"IpProtocol": proto, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        if port:
            perm.update(FromPort=port, ToPort=port)
        ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[perm])
    default = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )
    ec2.authorize_security_group_ingress(
        GroupId=default["SecurityGroups"][0]["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
            }
        ],
    )

    rds = c("rds")
    rds.create_db_cluster(
        DBClusterIdentifier="x-cluster-good",
        Engine="aurora-postgresql",
        MasterUsername="u",
        MasterUserPassword="placeholder-pass-1",
        StorageEncrypted=True,
        DeletionProtection=True,
        BackupRetentionPeriod=14,
    )
    rds.create_db_cluster(
        DBClusterIdentifier="x-cluster-bad",
        Engine="aurora-postgresql",
        MasterUsername="u",
        MasterUserPassword="placeholder-pass-2",
        StorageEncrypted=False,
        DeletionProtection=False,
        BackupRetentionPeriod=1,
    )
    rds.modify_db_instance(
        DBInstanceIdentifier="reporting", AutoMinorVersionUpgrade=False, ApplyImmediately=True
    )
    rds.create_db_snapshot(DBInstanceIdentifier="reporting", DBSnapshotIdentifier="x-snap")

    c("dynamodb").create_table(
        TableName="x-kms",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        SSESpecification={"Enabled": True, "SSEType": "KMS"},
    )

    key = c("kms").create_key()["KeyMetadata"]["Arn"]
    ct = c("cloudtrail")
    ct.create_trail(
        Name="x-regional",
        S3BucketName="brauwerk-access-logs",
        KmsKeyId=key,
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{R}:123456789012:log-group:ct:*",
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/ct",
    )
    c("securityhub").enable_security_hub()
    cfg = c("config")
    cfg.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": "arn:aws:iam::123456789012:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "x-locked"})
    cfg.start_configuration_recorder(ConfigurationRecorderName="default")

    iam.create_user(UserName="x-console-mfa")
    iam.create_login_profile(UserName="x-console-mfa", Password="placeholder-Passw0rd!")
    mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="x-console-mfa")
    iam.enable_mfa_device(
        UserName="x-console-mfa",
        SerialNumber=mfa["VirtualMFADevice"]["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    iam.create_role(
        RoleName="x-open-trust",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}
                ],
            }
        ),
    )

    lam = c("lambda")
    role = iam.get_role(RoleName="shop-lambda")["Role"]["Arn"]
    lam.create_function(
        FunctionName="x-modern",
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
        Environment={"Variables": {"LOG_LEVEL": "info"}},
    )
    c("sqs").create_queue(QueueName="x-plain", Attributes={"SqsManagedSseEnabled": "false"})
    c("sns").create_topic(Name="x-encrypted", Attributes={"KmsMasterKeyId": "alias/aws/sns"})
    c("efs").create_file_system(
        CreationToken="x-plain", Encrypted=False, Tags=[{"Key": "Name", "Value": "x-plain"}]
    )

    acm = c("acm")
    soon_cert, soon_key = _cert(10, "soon.brauwerk.example")
    later_cert, later_key = _cert(300, "later.brauwerk.example")
    acm.import_certificate(Certificate=soon_cert, PrivateKey=soon_key)
    good_arn = acm.import_certificate(Certificate=later_cert, PrivateKey=later_key)[
        "CertificateArn"
    ]

    elb = c("elbv2")
    subnets = [
        s["SubnetId"]
        for s in ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])[
            "Subnets"
        ]
    ][:2]
    lb = elb.create_load_balancer(Name="x-web", Subnets=subnets)["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    tg = elb.create_target_group(
        Name="x-web",
        Protocol="HTTP",
        Port=80,
        VpcId=ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0][
            "VpcId"
        ],
    )["TargetGroups"][0]["TargetGroupArn"]
    forward = [{"Type": "forward", "TargetGroupArn": tg}]
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=forward)
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": good_arn}],
        DefaultActions=forward,
    )
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTPS",
        Port=8443,
        SslPolicy="ELBSecurityPolicy-2016-08",
        Certificates=[{"CertificateArn": good_arn}],
        DefaultActions=forward,
    )

    cf = c("cloudfront", "us-east-1")
    for ref, policy, min_tls in (
        ("x-cf-good", "redirect-to-https", "TLSv1.2_2021"),
        ("x-cf-bad", "allow-all", "TLSv1"),
    ):
        cf.create_distribution(
            DistributionConfig={
                "CallerReference": ref,
                "Comment": ref,
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "o",
                            "DomainName": "x.s3.amazonaws.com",
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "o",
                    "ViewerProtocolPolicy": policy,
                    "MinTTL": 0,
                    "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                    "TrustedSigners": {"Enabled": False, "Quantity": 0},
                },
                "ViewerCertificate": {
                    "ACMCertificateArn": good_arn,
                    "SSLSupportMethod": "sni-only",
                    "MinimumProtocolVersion": min_tls,
                },
            }
        )

    lam.create_function(
        FunctionName="rotator",
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
    )
    sm = c("secretsmanager")
    sm.create_secret(Name="x-rotated", SecretString="placeholder")
    sm.rotate_secret(
        SecretId="x-rotated",
        RotationLambdaARN=f"arn:aws:lambda:{R}:123456789012:function:rotator",
        RotationRules={"AutomaticallyAfterDays": 30},
    )

    bk = c("backup")
    for name, days in (("x-long", 35), ("x-short", 3)):
        bk.create_backup_vault(BackupVaultName=name)
        bk.create_backup_plan(
            BackupPlan={
                "BackupPlanName": name,
                "Rules": [
                    {
                        "RuleName": "daily",
                        "TargetBackupVaultName": name,
                        "ScheduleExpression": "cron(0 3 * * ? *)",
                        "Lifecycle": {"DeleteAfterDays": days},
                    }
                ],
            }
        )
    bk.put_backup_vault_lock_configuration(BackupVaultName="x-long", MinRetentionDays=7)

    # Storage limitation: log group retention, bucket lifecycle expiration, snapshots.
    logs = c("logs")
    logs.create_log_group(logGroupName="x-logs-forever")
    logs.create_log_group(logGroupName="x-logs-year")
    logs.put_retention_policy(logGroupName="x-logs-year", retentionInDays=365)
    logs.create_log_group(logGroupName="x-logs-week")
    logs.put_retention_policy(logGroupName="x-logs-week", retentionInDays=7)
    c("s3").create_bucket(Bucket="x-expiring", CreateBucketConfiguration={"LocationConstraint": R})
    c("s3").put_bucket_lifecycle_configuration(
        Bucket="x-expiring",
        LifecycleConfiguration={
            "Rules": [{"ID": "all", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 90}}]
        },
    )
    vol = c("ec2").create_volume(AvailabilityZone=f"{R}a", Size=1)["VolumeId"]
    c("ec2").create_snapshot(VolumeId=vol, Description="x-snapshot")

    second = boto3.session.Session()
    creds = c("sts", session=second).assume_role(
        RoleArn=f"arn:aws:iam::{SECOND_ACCOUNT}:role/audit", RoleSessionName="seed"
    )["Credentials"]
    other = boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    c("iam", "us-east-1", other).update_account_password_policy(MinimumPasswordLength=16)
    c("s3control", R, other).put_public_access_block(
        AccountId=SECOND_ACCOUNT,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
