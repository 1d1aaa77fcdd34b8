import{a as e,c as t,i as n,l as r,n as i,o as a,r as o,s,t as c}from"./i18n-BAnByJeH.js";/* empty css               */var l=e=>document.getElementById(e),u={},d=null;async function f(){c(),s(l(`lang`)),e(m),u=Object.fromEntries((await r(`/api/v1/categories`)).map(e=>[e.code,e]));let t=decodeURIComponent(location.pathname.replace(/^\/track\/?/,``).split(`/`)[0]||``);l(`code`).value=t,l(`lookup`).addEventListener(`submit`,e=>{e.preventDefault();let t=l(`code`).value.trim().toUpperCase();t&&(history.replaceState(null,``,`/track/`+encodeURIComponent(t)),p(t))}),t&&await p(t),document.body.dataset.ready=`true`}async function p(e){l(`track-error`).hidden=!0;try{d=await r(`/api/v1/track/`+encodeURIComponent(e))}catch(e){d=null,l(`track-error`).textContent=e instanceof t&&e.status===404?a(`t.notFound`):e.message,l(`track-error`).hidden=!1}m()}function m(){let e=d;if(!e){l(`result`).replaceChildren();return}let t=[...e.history].reverse().map(e=>`<li><span class="when">${o(n(e.at))}</span>
    <b>${o(a(`event.`+e.kind))}</b>${e.note?` — ${o(e.note)}`:``}</li>`).join(``),s=``;e.rating?s=`<p>${a(`t.rated`,{v:e.rating.satisfied?a(`t.satisfied`):a(`t.unsatisfied`)})}</p>`:e.can_rate&&(s=`<form id="rate"><p><b>${a(`t.rate`)}</b></p>
      <label class="block"><span>${a(`t.comment`)}</span><textarea name="comment" rows="2" maxlength="2000"></textarea></label>
      <p class="rate"><button type="submit" class="primary" value="yes">${a(`t.satisfied`)}</button>
      <button type="submit" value="no">${a(`t.unsatisfied`)}</button></p></form>`),l(`result`).innerHTML=`
    <section class="card" data-status="${o(e.status)}">
      <dl>
        <dt>${a(`t.code`)}</dt><dd><b>${o(e.tracking_code)}</b></dd>
        <dt>${a(`filter.category`)}</dt><dd>${o(i(u[e.category])||e.category)}</dd>
        <dt>${a(`t.status`)}</dt><dd><b class="status">${o(a(`status.`+e.status))}</b></dd>
        <dt>${a(`t.grid`)}</dt><dd>${o(e.grid?.name||``)}</dd>
        <dt>${a(`t.created`)}</dt><dd>${o(n(e.created_at))}</dd>
      </dl>
    </section>
    <section class="card"><h3>${a(`t.history`)}</h3><ol class="steps">${t}</ol></section>
    ${s?`<section class="card">${s}</section>`:``}`,l(`rate`)?.addEventListener(`submit`,async t=>{t.preventDefault();let n=t.submitter?.value===`yes`;try{d=await r(`/api/v1/track/${encodeURIComponent(e.tracking_code)}/rating`,{method:`POST`,body:{satisfied:n,comment:new FormData(t.target).get(`comment`)||``}}),m()}catch(e){l(`track-error`).textContent=e.message,l(`track-error`).hidden=!1}})}f().catch(e=>{l(`track-error`).textContent=a(`error.load`)+` `+e.message,l(`track-error`).hidden=!1});