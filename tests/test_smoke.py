def test_home_lists_categories(client, category):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Experiences with baclofen" in response.data
