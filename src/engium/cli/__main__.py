from engium.cli.main import run

run()
