resource "aws_lb_listener" "https" {
  load_balancer_arn = "arn:lb"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  default_action {
    type = "forward"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:lb"
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "forward"
  }
}

resource "aws_lb_listener" "old_tls" {
  load_balancer_arn = "arn:lb"
  port              = 8443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  default_action {
    type = "forward"
  }
}

resource "aws_cloudfront_distribution" "good" {
  enabled = true
  default_cache_behavior {
    viewer_protocol_policy = "redirect-to-https"
  }
  viewer_certificate {
    acm_certificate_arn      = "arn:cert"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

resource "aws_cloudfront_distribution" "bad" {
  enabled = true
  default_cache_behavior {
    viewer_protocol_policy = "allow-all"
  }
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}

resource "aws_iam_role" "open" {
  name               = "open"
  assume_role_policy = <<EOT
{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}]}
EOT
}

resource "aws_iam_role" "lambda" {
  name               = "lambda"
  assume_role_policy = <<EOT
{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]}
EOT
}

resource "aws_secretsmanager_secret" "rotated" {
  name = "rotated"
}

resource "aws_secretsmanager_secret_rotation" "rotated" {
  secret_id           = aws_secretsmanager_secret.rotated.id
  rotation_lambda_arn = "arn:lambda"
}

resource "aws_secretsmanager_secret" "static" {
  name = "static"
}

resource "aws_backup_plan" "long" {
  name = "long"
  rule {
    rule_name         = "daily"
    target_vault_name = "v"
    lifecycle {
      delete_after = 35
    }
  }
}

resource "aws_backup_plan" "short" {
  name = "short"
  rule {
    rule_name         = "daily"
    target_vault_name = "v"
    lifecycle {
      delete_after = 3
    }
  }
}

resource "aws_db_instance" "good" {
  engine                  = "postgres"
  backup_retention_period = 14
  deletion_protection     = true
}

resource "aws_db_instance" "bad" {
  engine                     = "postgres"
  auto_minor_version_upgrade = false
}

resource "aws_s3_bucket" "logged" {
  bucket = "logged"
}

resource "aws_s3_bucket_logging" "logged" {
  bucket        = aws_s3_bucket.logged.id
  target_bucket = "log-archive"
  target_prefix = "logged/"
}

resource "aws_s3_bucket" "silent" {
  bucket = "silent"
}
