// The planning board's map: offices, each trip's numbered stops and its route, one colour per trip,
// the settlements' names; stops that overlap are grouped (Leaflet.markercluster: a click spreads them).
// The number on a stop is its number in the trip's table. An approximate stop (the settlement's centre,
// or only the street found) has a dashed ring. Data comes from the page (json_script "board-map-data");
// Leaflet and the cluster plugin are vendored; without the plugin the stops are simply not grouped. The list of trips
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
    node.appendChild(el("div", "", stop.what + (stop.settlement ? ", " + stop.settlement : "")));
    if (stop.approximate) { node.appendChild(el("div", "", "Місце приблизне: уточніть адресу в заявці.")); }
    var link = el("a", "", "До виїзду у списку");
    link.href = "#trip-" + trip.id;
    node.appendChild(link);
    return node;
  }

  var fallback = note ? note.textContent : "";
  function draw() {
    try { build(); } catch (e) {
      // A half-drawn map helps no one: back to the list, and the error still reaches the console.
      box.hidden = true;
      if (note) { note.textContent = fallback; }
      throw e;
    }
  }
  // The cluster plugin needs Leaflet, so it is loaded only once Leaflet is there (a page whose Leaflet
  // failed gets no second script error); if it fails too, the map is drawn without grouping.
  var clusterSrc = box.getAttribute("data-cluster-src");
  if (clusterSrc && typeof L.markerClusterGroup !== "function") {
    var script = document.createElement("script");
    script.src = clusterSrc;
    script.onload = draw;
    script.onerror = draw;
    document.head.appendChild(script);
  } else {
    draw();
  }

  function build() {
    box.hidden = false;
    var map = L.map(box, { minZoom: 3, maxZoom: 18, zoomSnap: 0.5 });
    L.control.scale({ imperial: false }).addTo(map);

    var explanation = "Лінії — прямі відрізки між зупинками, не дороги. Номер на мітці — порядок зупинки.";
    if (data.tiles && data.tiles.url) {
      // The page sends no Referer (same-origin policy); tile servers such as OpenStreetMap's ask for one.
      var tiles = L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution || "", maxZoom: 19,
                                                referrerPolicy: "strict-origin-when-cross-origin" });
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

    (data.settlements || []).forEach(function (place) {
      L.marker(place.at, {
        interactive: false, keyboard: false, zIndexOffset: -200,
        icon: L.divIcon({ className: "board-map__settlement", html: el("span", "", place.name), iconSize: null }),
      }).addTo(map);
    });

    // Overlapping stops (a block of flats, a village's centre) are grouped; at the closest zoom a
    // click spreads them out. One group for all trips, so stops of two trips at one house group too.
    var clusters = typeof L.markerClusterGroup === "function"
      ? L.markerClusterGroup({ maxClusterRadius: 30, spiderfyOnMaxZoom: true, showCoverageOnHover: false,
                               disableClusteringAtZoom: 18 })
      : L.layerGroup();
    clusters.addTo(map);

    var groups = (data.trips || []).map(function (trip) {
      var group = L.featureGroup();
      var colour = "trip-colour-" + trip.colour;
      var home = offices[trip.office] ? offices[trip.office].at : null;
      var line = [];
      var markers = [];
      if (home) { line.push(home); }
      trip.stops.forEach(function (stop) {
        line.push(stop.at);
        markers.push(L.marker(stop.at, {
          title: trip.label + ": зупинка " + stop.n + ", " + stop.window + ", " + stop.what
            + (stop.settlement ? ", " + stop.settlement : "") + (stop.approximate ? " (місце приблизне)" : ""),
          icon: L.divIcon({ className: "board-map__stop " + colour + (stop.approximate ? " board-map__stop--approximate" : ""),
                            html: String(stop.n), iconSize: [26, 26], iconAnchor: [13, 13] }),
          riseOnHover: true,
        }).bindPopup(popup(trip, stop)));
      });
      if (home && trip.stops.length) { line.push(home); }
      if (line.length > 1) {
        L.polyline(line, { className: "board-map__route " + colour, weight: 4, opacity: 0.85, interactive: false }).addTo(group);
      }
      group.addTo(map);
      addMarkers(markers);
      return { trip: trip, group: group, markers: markers, shown: true };
    });

    function addMarkers(markers) {
      if (clusters.addLayers) { clusters.addLayers(markers); } else { markers.forEach(function (m) { clusters.addLayer(m); }); }
    }
    function removeMarkers(markers) {
      if (clusters.removeLayers) { clusters.removeLayers(markers); } else { markers.forEach(function (m) { clusters.removeLayer(m); }); }
    }

    function fit() {
      var bounds = L.latLngBounds([]);
      groups.forEach(function (g) {
        if (!g.shown) { return; }
        g.trip.stops.forEach(function (stop) { bounds.extend(stop.at); });
      });
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
          if (show && !g.shown) { g.group.addTo(map); addMarkers(g.markers); }
          if (!show && g.shown) { map.removeLayer(g.group); removeMarkers(g.markers); }
          g.shown = show;
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
