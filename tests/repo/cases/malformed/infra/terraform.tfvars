encrypt = true
region = "eu-
