from govscan.cli import main

main()
