from conftest import PASSWORD


def test_staff_log_in_and_land_on_their_work(world, client):
    response = client.post("/staff/login/", {"username": "operator", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/staff/").url == "/staff/requests/"


def test_role_without_request_pages_sees_its_home_page(world, client):
    client.force_login(world.users["technician"])
    response = client.get("/staff/")
    assert response.status_code == 200
    assert "Заявок громадян ваша роль не бачить" in response.content.decode()


def test_wrong_password_keeps_username_and_explains_in_ukrainian(world, client):
    response = client.post("/staff/login/", {"username": "operator", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="operator"' in html and "Неправильне ім&#x27;я користувача або пароль" in html


def test_repeated_failures_lock_the_login(world, client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/staff/login/", {"username": "operator", "password": "wrong"})
    response = client.post("/staff/login/", {"username": "operator", "password": PASSWORD})
    assert response.status_code == 429
    assert "Вхід тимчасово заблоковано" in response.content.decode()
