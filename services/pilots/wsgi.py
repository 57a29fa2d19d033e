from services.pilots.app import create_app

app = create_app()
