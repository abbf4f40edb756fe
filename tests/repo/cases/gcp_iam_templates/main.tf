# Project grants whose member is written as a template: the literal kind before the
# interpolation says what the member is, even though its name is known only after apply.
provider "google" {
  project = "brauwerk-data"
  region  = "europe-west3"
}

variable "member" {
  type = string
}

resource "google_service_account" "backup" {
  account_id = "backup"
}

# A service account: never allUsers, never a user with a primitive role.
resource "google_project_iam_member" "backup_sql_admin" {
  project = "brauwerk-data"
  role    = "roles/cloudsql.admin"
  member  = "serviceAccount:${google_service_account.backup.email}"
}

# A user, whoever it will be: a primitive role for a user.
resource "google_project_iam_member" "contractor_editor" {
  project = "brauwerk-data"
  role    = "roles/editor"
  member  = "user:${var.member}@example.com"
}

# Nothing known about the member: whether it is public is open.
resource "google_project_iam_member" "anyone" {
  project = "brauwerk-data"
  role    = "roles/viewer"
  member  = var.member
}

# The same service account holding both sides of the KMS duty pair.
resource "google_project_iam_member" "kms_admin" {
  project = "brauwerk-data"
  role    = "roles/cloudkms.admin"
  member  = "serviceAccount:${google_service_account.backup.email}"
}

resource "google_project_iam_member" "kms_user" {
  project = "brauwerk-data"
  role    = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member  = "serviceAccount:${google_service_account.backup.email}"
}
