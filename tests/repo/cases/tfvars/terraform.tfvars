# Values Terraform loads for this root module; govscan judges with them.
encrypt = true
env     = "test"
