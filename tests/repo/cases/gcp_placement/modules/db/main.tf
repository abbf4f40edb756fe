resource "google_sql_database_instance" "this" {
  name             = "module-db"
  database_version = "MYSQL_8_0"
  settings {
    tier = "db-f1-micro"
  }
}
