// The planning board's map: offices, each trip's numbered stops and its route, one colour per trip.
// Data comes from the page (json_script "board-map-data"); Leaflet is vendored. The list of trips
// below the map holds everything the map shows, so when Leaflet or the tiles fail the page still works:
// the map stays hidden and the note under it says so.
(function () {
  "use strict";

  var box = document.getElementById("board-map");
  var source = document.getElementById("board-map-data");
  var note = document.getElementById("board-map-note");
  if (!box || !source || typeof window.L === "undefined") { return; }

  var data;
  try { data = JSON.parse(source.textContent); } catch (e) { return; }
  var L = window.L;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function popup(trip, stop) {
    var node = el("div");
    node.appendChild(el("strong", "", trip.label));
    node.appendChild(el("div", "", "Зупинка " + stop.n + ", " + stop.window));
    node.appendChild(el("div", "", stop.what));
    var link = el("a", "", "До виїзду у списку");
    link.href = "#trip-" + trip.id;
    node.appendChild(link);
    return node;
  }

  var fallback = note ? note.textContent : "";
  try { build(); } catch (e) {
    // A half-drawn map helps no one: back to the list, and the error still reaches the console.
    box.hidden = true;
    if (note) { note.textContent = fallback; }
    throw e;
  }

  function build() {
    box.hidden = false;
    var map = L.map(box, { minZoom: 3, maxZoom: 18, zoomSnap: 0.5 });
    L.control.scale({ imperial: false }).addTo(map);

    var explanation = "Лінії — прямі відрізки між зупинками, не дороги. Номер на мітці — порядок зупинки.";
    if (data.tiles && data.tiles.url) {
      var tiles = L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution || "", maxZoom: 19 });
      tiles.once("tileerror", function () {
        if (note) {
          note.textContent = "Підкладка карти не завантажилася: показано лише офіс, зупинки і маршрути. " + explanation;
        }
      });
      tiles.addTo(map);
    } else {
      map.attributionControl.remove();
    }
    if (note) { note.textContent = explanation; }

    var offices = {};
    var officeLayer = L.layerGroup().addTo(map);
    (data.offices || []).forEach(function (office) {
      if (!office.at) { return; }
      offices[office.id] = office;
      L.marker(office.at, {
        title: "Офіс: " + office.name + ", " + office.address,
        icon: L.divIcon({ className: "board-map__office", html: "ЦНАП", iconSize: [44, 22], iconAnchor: [22, 11] }),
        zIndexOffset: -100,
      }).bindPopup(el("div", "", office.name + ", " + office.address)).addTo(officeLayer);
    });

    var groups = (data.trips || []).map(function (trip) {
      var group = L.featureGroup();
      var colour = "trip-colour-" + trip.colour;
      var home = offices[trip.office] ? offices[trip.office].at : null;
      var line = [];
      if (home) { line.push(home); }
      trip.stops.forEach(function (stop) {
        line.push(stop.at);
        L.marker(stop.at, {
          title: trip.label + ": зупинка " + stop.n + ", " + stop.window + ", " + stop.what,
          icon: L.divIcon({ className: "board-map__stop " + colour, html: String(stop.n), iconSize: [26, 26], iconAnchor: [13, 13] }),
          riseOnHover: true,
        }).bindPopup(popup(trip, stop)).addTo(group);
      });
      if (home && trip.stops.length) { line.push(home); }
      if (line.length > 1) {
        L.polyline(line, { className: "board-map__route " + colour, weight: 4, opacity: 0.85, interactive: false }).addTo(group);
      }
      group.addTo(map);
      return { trip: trip, group: group };
    });

    function fit() {
      var bounds = L.latLngBounds([]);
      groups.forEach(function (g) { if (map.hasLayer(g.group)) { bounds.extend(g.group.getBounds()); } });
      Object.keys(offices).forEach(function (id) { bounds.extend(offices[id].at); });
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 }); }
      else { map.setView([48.5, 31.2], 6); }  // nothing to show: Ukraine
    }

    // A day filter: a week of trips on one map is crowded.
    if ((data.days || []).length > 1) {
      var tools = el("p", "board-map-tools");
      var label = el("label", "", "Показати на карті: ");
      label.htmlFor = "board-map-day";
      var select = el("select");
      select.id = "board-map-day";
      select.appendChild(el("option", "", "усі дні")).value = "";
      data.days.forEach(function (day) { select.appendChild(el("option", "", day.label)).value = day.value; });
      select.addEventListener("change", function () {
        groups.forEach(function (g) {
          var show = !select.value || g.trip.day === select.value;
          if (show && !map.hasLayer(g.group)) { g.group.addTo(map); }
          if (!show && map.hasLayer(g.group)) { map.removeLayer(g.group); }
        });
        fit();
      });
      tools.appendChild(label);
      tools.appendChild(select);
      box.parentNode.insertBefore(tools, box);
    }

    fit();
  }
})();
