"""Page scripts run by the st.navigation router in app.py (each is executed, not imported)."""
