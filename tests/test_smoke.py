def test_login_page_renders(client, db):
    assert client.get("/accounts/login/").status_code == 200
