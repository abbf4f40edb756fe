region = "ap-southeast-2"
