admin_cidrs = ["10.1.0.0/16"]
enc         = true
trail_key   = "arn:aws:kms:eu-central-1:111122223333:key/abcd"
